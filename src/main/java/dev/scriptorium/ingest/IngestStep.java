package dev.scriptorium.ingest;

import dev.scriptorium.metrics.Metrics;
import dev.scriptorium.storage.ObjectStore;
import dev.scriptorium.transcription.FailureCode;
import dev.scriptorium.transcription.JobStage;
import dev.scriptorium.transcription.JobStatus;
import dev.scriptorium.transcription.TranscriptionJob;
import dev.scriptorium.transcription.TranscriptionJobs;
import dev.scriptorium.transcription.TranscriptionQueue;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Supplier;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.jobrunr.jobs.annotations.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a staged upload (or fetches media named by URL or S3 key) into object storage, hashing it on the way, and
 * hands the job to the transcription queue, unless an earlier job of the same key has a transcript of the same bytes
 * and options to copy. Safe to run again at any point: a job whose media is already stored only has its hand-over
 * repeated.
 */
public final class IngestStep {
    private static final Logger log = LoggerFactory.getLogger(IngestStep.class);
    private final TranscriptionJobs jobs;
    private final UploadStaging staging;
    private final ObjectStore store;
    private final TranscriptionQueue transcription;
    private final Metrics metrics;
    private final Optional<MediaDownload> downloads;
    private final Supplier<Optional<String>> model;

    public IngestStep(TranscriptionJobs jobs, UploadStaging staging, ObjectStore store,
                      TranscriptionQueue transcription, Metrics metrics) {
        this(jobs, staging, store, transcription, metrics, Optional.empty(), Optional::empty);
    }

    /**
     * @param downloads fetches the media of jobs that name it by URL or S3 key
     * @param model     the model file the workers transcribe with, if known: an earlier transcript of the same
     *                  bytes is reused only if that model made it
     */
    public IngestStep(TranscriptionJobs jobs, UploadStaging staging, ObjectStore store,
                      TranscriptionQueue transcription, Metrics metrics, Optional<MediaDownload> downloads,
                      Supplier<Optional<String>> model) {
        this.metrics = metrics;
        this.downloads = downloads;
        this.model = model;
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
            Optional<URI> source = found.get().sourceUrl();
            if (source.isEmpty() && !Files.exists(staged)) {
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
            Optional<String> hashed = Optional.empty();
            if (source.isPresent() && !Files.exists(staged)) {
                Optional<MediaDownload.Fetched> fetched = download(jobId, source.get(), staged);
                if (fetched.isEmpty()) {
                    return;
                }
                hashed = Optional.of(fetched.get().sha256());
            }
            String key = mediaKey(jobId);
            long size = Files.size(staged);
            // Uploads are hashed here; downloads were hashed as they streamed in.
            String sha256 = hashed.isPresent() ? hashed.get() : Sha256.of(staged);
            store.put(key, staged, "application/octet-stream");
            if (reused(ingesting.get(), sha256, key, size)) {
                staging.delete(jobId);
                return;
            }
            Optional<TranscriptionJob> stored = jobs.update(jobId, job -> {
                if (job.status() == JobStatus.PROCESSING) {
                    job.hashed(sha256);
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

    /** Completes the job with an earlier transcript of the same bytes and options, where its owner has one. */
    private boolean reused(TranscriptionJob job, String sha256, String key, long size) {
        Optional<String> current = model.get();
        if (!job.reuseAllowed() || current.isEmpty()) {
            return false;
        }
        Optional<UUID> earlier = jobs.reusable(job, sha256, current.get());
        if (earlier.isEmpty() || !jobs.completeAsCopy(job.id(), earlier.get(), key, size, sha256)) {
            return false;
        }
        log.info("Job {} has the same media and options as job {}: its transcript was copied, Whisper not run",
                job.id(), earlier.get());
        return true;
    }

    /**
     * Fetches the job's media into staging; a partial file never takes the staged file's name.
     *
     * @return what arrived, or empty if the source is to blame and the job failed
     */
    private Optional<MediaDownload.Fetched> download(UUID jobId, URI source, Path staged) throws IOException {
        Path partial = staged.resolveSibling(jobId + ".part");
        try {
            MediaDownload download = downloads.orElseThrow(() -> new IllegalStateException(
                    "This ingest server fetches no media by URL"));
            MediaDownload.Fetched fetched = download.fetch(source, partial);
            Files.move(partial, staged, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            log.info("Fetched the media of job {} ({} bytes)", jobId, fetched.bytes());
            return Optional.of(fetched);
        } catch (MediaDownload.DownloadFailure e) {
            Files.deleteIfExists(partial);
            jobs.update(jobId, job -> {
                if (!job.status().isFinished()) {
                    job.fail(e.code(), e.getMessage(), jobs.clock().instant());
                }
            });
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
    }
}
