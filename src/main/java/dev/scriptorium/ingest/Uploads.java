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
        UUID id = UUID.randomUUID();
        Path staged = staging.path(id);
        content.writeTo(staged);
        TranscriptionJob job = TranscriptionJob.queued(id, displayName(originalFilename), options,
                Files.size(staged), jobs.clock().instant());
        job.deleteAfter(deleteAfterSeconds.orElse(null));
        job.ownedBy(owner.orElse(null));
        metrics.uploaded(job.mediaSizeBytes().orElse(0L));
        try {
            jobs.create(job);
        } catch (RuntimeException e) {
            Files.deleteIfExists(staged);
            throw e;
        }
        // The row is committed first: if enqueueing fails now, the start-up reconciliation queues the job again.
        try {
            ingest.enqueue(id);
        } catch (RuntimeException e) {
            log.warn("Job {} is recorded but could not be queued yet; it will be queued on reconciliation", id, e);
        }
        return job;
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
