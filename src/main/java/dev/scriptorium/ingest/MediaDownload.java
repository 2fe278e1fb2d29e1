package dev.scriptorium.ingest;

import dev.scriptorium.outbound.OutboundException;
import dev.scriptorium.outbound.OutboundHttp;
import dev.scriptorium.storage.SourceBuckets;
import dev.scriptorium.transcription.FailureCode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Fetches media that a job names by URL ({@code http}, {@code https}) or S3 key ({@code s3://bucket/key}) into a
 * local file, under the size limit, the outbound guard and a deadline. Thread-safe.
 */
public final class MediaDownload {
    /** Redirects a URL may take before it counts as broken. */
    public static final int MAX_REDIRECTS = 5;
    private final OutboundHttp http;
    private final SourceBuckets buckets;
    private final long maxBytes;
    private final Duration deadline;

    public MediaDownload(OutboundHttp http, SourceBuckets buckets, long maxBytes, Duration deadline) {
        this.http = http;
        this.buckets = buckets;
        this.maxBytes = maxBytes;
        this.deadline = deadline;
    }

    /** Why media could not be fetched, as the job's failure code and a reason for its owner. */
    public static final class DownloadFailure extends Exception {
        private final FailureCode code;

        DownloadFailure(FailureCode code, String reason) {
            super(reason);
            this.code = code;
        }

        public FailureCode code() {
            return code;
        }
    }

    /** What arrived: its size and its SHA-256, taken as it streamed to disk. */
    public record Fetched(long bytes, String sha256) {
    }

    /**
     * Writes the media to {@code target}, replacing it, and hashes it on the way.
     *
     * @throws DownloadFailure for anything the source is to blame for
     * @throws IOException     if the local file cannot be written (the service's fault: the step is retried)
     */
    public Fetched fetch(URI source, Path target) throws DownloadFailure, IOException {
        String scheme = source.getScheme() == null ? "" : source.getScheme().toLowerCase(Locale.ROOT);
        MessageDigest sha = Sha256.digest();
        try (OutputStream sink = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(target),
                1 << 16), sha)) {
            long bytes = scheme.equals("s3") ? fromBucket(source, sink)
                    : http.get(source, MAX_REDIRECTS, maxBytes, Instant.now().plus(deadline), sink).bytes();
            return new Fetched(bytes, HexFormat.of().formatHex(sha.digest()));
        } catch (OutboundException e) {
            throw new DownloadFailure(code(e.kind()), e.getMessage());
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static FailureCode code(OutboundException.Kind kind) {
        return switch (kind) {
            case REFUSED -> FailureCode.DOWNLOAD_FORBIDDEN;
            case TOO_LARGE -> FailureCode.TOO_LARGE;
            case TIMEOUT -> FailureCode.DOWNLOAD_TIMEOUT;
            case FAILED -> FailureCode.DOWNLOAD_FAILED;
        };
    }

    private long fromBucket(URI source, OutputStream sink) throws DownloadFailure, IOException {
        String bucket = source.getHost();
        String key = source.getPath() == null ? "" : source.getPath().replaceFirst("^/", "");
        if (bucket == null || key.isEmpty()) {
            throw new DownloadFailure(FailureCode.DOWNLOAD_FAILED, source + " names no object: write s3://BUCKET/KEY.");
        }
        if (!buckets.allows(bucket)) {
            throw new DownloadFailure(FailureCode.DOWNLOAD_FORBIDDEN, "Bucket " + bucket + " is not open to s3://"
                    + " URLs on this server; the operator lists the buckets it may read in SOURCE_S3_BUCKETS.");
        }
        Instant until = Instant.now().plus(deadline);
        try (SourceBuckets.SourceObject object = buckets.open(bucket, key)) {
            if (object.size() > maxBytes) {
                throw tooLarge();
            }
            return copy(object.content(), sink, until, source);
        } catch (SourceBuckets.MissingObjectException e) {
            throw new DownloadFailure(FailureCode.DOWNLOAD_FAILED, e.getMessage());
        } catch (software.amazon.awssdk.core.exception.SdkException e) {
            throw new DownloadFailure(FailureCode.DOWNLOAD_FAILED, "Could not read " + source + " from the object"
                    + " store: " + e.getMessage());
        }
    }

    private long copy(InputStream in, OutputStream sink, Instant until, URI source) throws DownloadFailure,
            IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        for (int read; (read = in.read(buffer)) > 0; ) {
            total += read;
            if (total > maxBytes) {
                throw tooLarge();
            }
            if (Instant.now().isAfter(until)) {
                throw new DownloadFailure(FailureCode.DOWNLOAD_TIMEOUT, source + " did not arrive within "
                        + deadline.toSeconds() + " s.");
            }
            sink.write(buffer, 0, read);
        }
        return total;
    }

    private DownloadFailure tooLarge() {
        return new DownloadFailure(FailureCode.TOO_LARGE, "The media is larger than " + maxBytes / (1024 * 1024)
                + " MB, the most this server takes.");
    }
}
