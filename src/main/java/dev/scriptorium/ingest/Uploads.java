package dev.scriptorium.ingest;

import dev.scriptorium.metrics.Metrics;
import dev.scriptorium.transcription.JobOptions;
import dev.scriptorium.transcription.TranscriptionJob;
import dev.scriptorium.transcription.TranscriptionJobs;
import java.io.IOException;
import java.net.URI;
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
        return submit(JobRequest.of(originalFilename, options), content).job();
    }

    /** An {@code Idempotency-Key} as one caller sent it, with a digest of what else the request asked for. */
    public record Idempotency(String caller, String key, String requestDigest) {
    }

    /** @param replayed whether the job was made by an earlier request with the same idempotency key */
    public record Submission(TranscriptionJob job, boolean replayed) {
    }

    /**
     * Stages the media under a new job id, records the job as queued and queues its ingest. With an idempotency
     * key, a repeat of a request within {@link #IDEMPOTENCY_WINDOW} answers the job the first one made, and changes
     * nothing.
     *
     * @throws IdempotencyConflictException if the key was sent with a different request
     */
    public Submission submit(JobRequest request, UploadedContent content) throws IOException {
        UUID id = UUID.randomUUID();
        Path staged = staging.path(id);
        content.writeTo(staged);
        TranscriptionJob job = job(id, request, request.filename(), Files.size(staged));
        try {
            Submission submission = record(job, request, digest -> Sha256.of(digest, staged));
            if (submission.replayed()) {
                Files.deleteIfExists(staged);
            } else {
                metrics.uploaded(job.mediaSizeBytes().orElse(0L));
            }
            return submission;
        } catch (RuntimeException e) {
            Files.deleteIfExists(staged);
            throw e;
        }
    }

    /**
     * Records a job whose media the ingest queue fetches from {@code source} (http, https or s3) and queues it; as
     * {@link #submit(JobRequest, UploadedContent)} otherwise. The file name defaults to the URL's last segment.
     */
    public Submission submitFrom(JobRequest request, URI source) throws IOException {
        String filename = request.filename() != null && !request.filename().isBlank() ? request.filename()
                : lastSegment(source);
        TranscriptionJob job = job(UUID.randomUUID(), request, filename, null);
        job.fetchFrom(source);
        return record(job, request, digest -> Sha256.of(digest + "\n" + source));
    }

    private TranscriptionJob job(UUID id, JobRequest request, String filename, Long size) {
        TranscriptionJob job = TranscriptionJob.queued(id, displayName(filename), request.options(), size,
                jobs.clock().instant());
        job.deleteAfter(request.deleteAfterSeconds().orElse(null));
        job.ownedBy(request.owner().orElse(null));
        job.announceTo(request.webhookUrl().orElse(null));
        job.allowReuse(request.reuse());
        return job;
    }

    /** What a request with an idempotency key is compared by: its fields' digest and what it sent. */
    @FunctionalInterface
    private interface RequestDigest {
        String of(String fieldsDigest) throws IOException;
    }

    private Submission record(TranscriptionJob job, JobRequest request, RequestDigest digest) throws IOException {
        if (request.idempotency().isPresent()) {
            Uploads.Idempotency idempotency = request.idempotency().get();
            java.util.Optional<TranscriptionJob> earlier = createOnce(job, idempotency,
                    digest.of(idempotency.requestDigest()));
            if (earlier.isPresent()) {
                return new Submission(earlier.get(), true);
            }
        } else {
            jobs.create(job);
        }
        // The row is committed first: if enqueueing fails now, the start-up reconciliation queues the job again.
        try {
            ingest.enqueue(job.id());
        } catch (RuntimeException e) {
            log.warn("Job {} is recorded but could not be queued yet; it will be queued on reconciliation",
                    job.id(), e);
        }
        return new Submission(job, false);
    }

    private static String lastSegment(URI source) {
        String path = source.getPath() == null ? "" : source.getPath();
        String last = path.substring(path.lastIndexOf('/') + 1);
        return last.isBlank() ? "download" : java.net.URLDecoder.decode(last.replace("+", "%2B"),
                java.nio.charset.StandardCharsets.UTF_8);
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
                                                            String digest) {
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
