package dev.scriptorium.ingest;

import dev.scriptorium.metrics.Metrics;
import dev.scriptorium.transcription.JobOptions;
import dev.scriptorium.transcription.TranscriptionJob;
import dev.scriptorium.transcription.TranscriptionJobs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts an upload: stages the file under a new job id, records the job as queued, and queues its ingest.
 * Thread-safe.
 */
public final class Uploads {
    private static final Logger log = LoggerFactory.getLogger(Uploads.class);
    private static final int MAX_FILENAME = 255;
    private final UploadStaging staging;
    private final TranscriptionJobs jobs;
    private final IngestQueue ingest;
    private final Metrics metrics;

    public Uploads(UploadStaging staging, TranscriptionJobs jobs, IngestQueue ingest, Metrics metrics) {
        this.metrics = metrics;
        this.staging = staging;
        this.jobs = jobs;
        this.ingest = ingest;
    }

    /** Writes an upload's bytes to a path it is given; the web layer moves its temp file there. */
    @FunctionalInterface
    public interface UploadedContent {
        void writeTo(Path target) throws IOException;
    }

    public TranscriptionJob submit(String originalFilename, JobOptions options, UploadedContent content)
            throws IOException {
        return submit(originalFilename, options, java.util.Optional.empty(), java.util.Optional.empty(), content);
    }

    /**
     * @param deleteAfterSeconds when set, the job goes this long after it ends, whatever the retention policy
     * @param owner              the API key that uploads it; none for anonymous use
     */
    public TranscriptionJob submit(String originalFilename, JobOptions options,
                                   java.util.Optional<Long> deleteAfterSeconds, java.util.Optional<UUID> owner,
                                   UploadedContent content)
            throws IOException {
        return submit(originalFilename, options, deleteAfterSeconds, owner, java.util.Optional.empty(), content)
                .job();
    }

    /** An {@code Idempotency-Key} as one caller sent it, with a digest of what else the request asked for. */
    public record Idempotency(String caller, String key, String requestDigest) {
    }

    /** @param replayed whether the job was made by an earlier request with the same idempotency key */
    public record Submission(TranscriptionJob job, boolean replayed) {
    }

    /**
     * As {@link #submit(String, JobOptions, java.util.Optional, java.util.Optional, UploadedContent)}; with an
     * idempotency key, a repeat of a request within {@link #IDEMPOTENCY_WINDOW} answers the job the first one made,
     * and changes nothing.
     *
     * @throws IdempotencyConflictException if the key was sent with a different request
     */
    public Submission submit(String originalFilename, JobOptions options, java.util.Optional<Long> deleteAfterSeconds,
                             java.util.Optional<UUID> owner, java.util.Optional<Idempotency> idempotency,
                             UploadedContent content) throws IOException {
        UUID id = UUID.randomUUID();
        Path staged = staging.path(id);
        content.writeTo(staged);
        TranscriptionJob job = TranscriptionJob.queued(id, displayName(originalFilename), options,
                Files.size(staged), jobs.clock().instant());
        job.deleteAfter(deleteAfterSeconds.orElse(null));
        job.ownedBy(owner.orElse(null));
        try {
            if (idempotency.isPresent()) {
                java.util.Optional<TranscriptionJob> earlier = createOnce(job, idempotency.get(), staged);
                if (earlier.isPresent()) {
                    Files.deleteIfExists(staged);
                    return new Submission(earlier.get(), true);
                }
            } else {
                jobs.create(job);
            }
        } catch (RuntimeException e) {
            Files.deleteIfExists(staged);
            throw e;
        }
        metrics.uploaded(job.mediaSizeBytes().orElse(0L));
        // The row is committed first: if enqueueing fails now, the start-up reconciliation queues the job again.
        try {
            ingest.enqueue(id);
        } catch (RuntimeException e) {
            log.warn("Job {} is recorded but could not be queued yet; it will be queued on reconciliation", id, e);
        }
        return new Submission(job, false);
    }

    /** How long an idempotency key names the job it was first sent with. */
    public static final java.time.Duration IDEMPOTENCY_WINDOW = java.time.Duration.ofHours(24);

    /**
     * Creates the job unless the key already names one; two requests racing with one key make one job, the
     * database's primary key deciding.
     *
     * @return the earlier job, if the key names one
     */
    private java.util.Optional<TranscriptionJob> createOnce(TranscriptionJob job, Idempotency idempotency,
                                                            Path staged) throws IOException {
        String digest = digest(idempotency.requestDigest(), staged);
        for (int tries = 0; tries < 3; tries++) {
            java.util.Optional<TranscriptionJobs.IdempotentClaim> claim = jobs.claim(idempotency.caller(),
                    idempotency.key());
            if (claim.isPresent() && claim.get().createdAt().isBefore(jobs.clock().instant()
                    .minus(IDEMPOTENCY_WINDOW))) {
                jobs.releaseClaim(idempotency.caller(), idempotency.key());
                claim = java.util.Optional.empty();
            }
            if (claim.isPresent()) {
                if (!claim.get().requestSha256().equals(digest)) {
                    throw new IdempotencyConflictException(idempotency.key(), claim.get().jobId());
                }
                UUID earlier = claim.get().jobId();
                return java.util.Optional.of(jobs.find(earlier).orElseThrow(() ->
                        new IllegalStateException("idempotency key names a missing job " + earlier)));
            }
            if (jobs.createClaiming(job, idempotency.caller(), idempotency.key(), digest)) {
                return java.util.Optional.empty();
            }
        }
        throw new IllegalStateException("could not claim idempotency key " + idempotency.key());
    }

    /** SHA-256 over what the request asked for and the bytes it sent. */
    private static String digest(String request, Path staged) throws IOException {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            sha.update(request.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            sha.update((byte) 0);
            try (java.io.InputStream in = Files.newInputStream(staged)) {
                byte[] buffer = new byte[1 << 16];
                for (int read; (read = in.read(buffer)) > 0; ) {
                    sha.update(buffer, 0, read);
                }
            }
            return java.util.HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The file's own name without any directory part, control characters or excess length. */
    static String displayName(String original) {
        String name = original == null ? "" : original;
        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        name = name.replaceAll("\\p{Cntrl}", "").strip();
        if (name.length() > MAX_FILENAME) {
            name = name.substring(name.length() - MAX_FILENAME);
        }
        return name.isEmpty() ? "upload" : name;
    }
}
