package dev.scriptorium.ingest;

import dev.scriptorium.metrics.Metrics;
import dev.scriptorium.storage.ObjectStore;
import dev.scriptorium.transcription.FailureCode;
import dev.scriptorium.transcription.JobStage;
import dev.scriptorium.transcription.JobStatus;
import dev.scriptorium.transcription.TranscriptionJob;
import dev.scriptorium.transcription.TranscriptionJobs;
import dev.scriptorium.transcription.TranscriptionQueue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.jobrunr.jobs.annotations.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a staged upload into object storage and hands the job to the transcription queue. Safe to run again at any
 * point: a job whose media is already stored only has its hand-over repeated.
 */
public final class IngestStep {
    private static final Logger log = LoggerFactory.getLogger(IngestStep.class);
    private final TranscriptionJobs jobs;
    private final UploadStaging staging;
    private final ObjectStore store;
    private final TranscriptionQueue transcription;
    private final Metrics metrics;

    public IngestStep(TranscriptionJobs jobs, UploadStaging staging, ObjectStore store,
                      TranscriptionQueue transcription, Metrics metrics) {
        this.metrics = metrics;
        this.jobs = jobs;
        this.staging = staging;
        this.store = store;
        this.transcription = transcription;
    }

    public static String mediaKey(UUID jobId) {
        return "media/" + jobId;
    }

    @Job(name = "ingest %0", retries = 5)
    public void ingest(UUID jobId) throws Exception {
        Optional<TranscriptionJob> found = jobs.find(jobId);
        if (found.isEmpty() || found.get().status().isFinished()) {
            staging.delete(jobId);
            return;
        }
        if (found.get().mediaKey().isEmpty()) {
            Path staged = staging.path(jobId);
            if (!Files.exists(staged)) {
                jobs.update(jobId, job -> job.fail(FailureCode.UPLOAD_MISSING, "The upload was lost before it could "
                        + "be stored. Please upload the file again.", jobs.clock().instant()));
                return;
            }
            Optional<TranscriptionJob> ingesting = jobs.update(jobId, job -> {
                if (job.status() == JobStatus.QUEUED) {
                    job.startStage(JobStage.INGESTING, jobs.clock().instant());
                }
            });
            if (ingesting.isEmpty() || ingesting.get().status() != JobStatus.PROCESSING) {
                staging.delete(jobId);
                return;
            }
            long started = System.nanoTime();
            String key = mediaKey(jobId);
            long size = Files.size(staged);
            store.put(key, staged, "application/octet-stream");
            Optional<TranscriptionJob> stored = jobs.update(jobId, job -> {
                if (job.status() == JobStatus.PROCESSING) {
                    job.stored(key, size, jobs.clock().instant());
                }
            });
            if (stored.isEmpty() || stored.get().mediaKey().isEmpty()) {
                // Canceled (or deleted) while its upload was being stored: nothing to hand over, nothing to keep.
                store.delete(key);
                staging.delete(jobId);
                return;
            }
            metrics.stageTook(JobStage.INGESTING, Duration.ofNanos(System.nanoTime() - started));
            log.info("Stored upload of job {} ({} bytes)", jobId, size);
        }
        staging.delete(jobId);
        transcription.enqueue(jobId);
    }
}
