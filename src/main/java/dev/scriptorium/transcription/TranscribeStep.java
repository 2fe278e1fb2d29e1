package dev.scriptorium.transcription;

import dev.scriptorium.media.MediaFile;
import dev.scriptorium.media.MediaInfo;
import dev.scriptorium.media.MediaRejectedException;
import dev.scriptorium.storage.ObjectStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jobrunr.jobs.annotations.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Fetches a job's media into a private temp directory, probes it, extracts 16 kHz mono audio, runs Whisper and stores
 * the transcript. Safe to run again: a finished job is left alone, and the transcript is stored at most once.
 *
 * <p>A problem with the media fails the job at once with its own code. Any other problem puts the job back in the
 * queue for another attempt, until {@code maxAttempts}; then it fails with {@code internal_error}.
 */
public final class TranscribeStep {
    private static final Logger log = LoggerFactory.getLogger(TranscribeStep.class);
    private final TranscriptionJobs jobs;
    private final ObjectStore store;
    private final Transcriber transcriber;
    private final PipelineSettings settings;

    public TranscribeStep(TranscriptionJobs jobs, ObjectStore store, Transcriber transcriber,
                          PipelineSettings settings) {
        this.jobs = jobs;
        this.store = store;
        this.transcriber = transcriber;
        this.settings = settings;
    }

    @Job(name = "transcribe %0", retries = 20)
    public void transcribe(UUID jobId) throws Exception {
        Optional<TranscriptionJob> found = jobs.find(jobId);
        if (found.isEmpty() || found.get().status().isFinished()) {
            return;
        }
        TranscriptionJob job = found.get();
        if (job.mediaKey().isEmpty()) {
            log.warn("Job {} reached transcription before its media was stored; skipping", jobId);
            return;
        }
        if (job.attempts() >= settings.maxAttempts()) {
            fail(jobId, FailureCode.INTERNAL_ERROR, "Transcription failed " + job.attempts() + " times for a reason"
                    + " on our side, not in your file. Upload it again later; the operator's log has the details"
                    + " under job " + jobId + ".");
            return;
        }
        jobs.update(jobId, j -> j.beginAttempt(now()));
        long started = System.nanoTime();
        try (JobWorkspace workspace = JobWorkspace.create(settings.workDir(), jobId)) {
            List<TranscriptSegment> segments = process(job, workspace);
            jobs.update(jobId, j -> j.startStage(JobStage.STORING, now()));
            Transcript transcript = new Transcript(jobId, segments, transcriber.modelName(), now());
            if (jobs.complete(jobId, transcript)) {
                log.info("Job {} completed: {} segments in {} ms", jobId, segments.size(),
                        (System.nanoTime() - started) / 1_000_000);
            }
        } catch (MediaRejectedException e) {
            log.info("Job {} rejected: {} ({})", jobId, e.code().apiName(), e.getMessage());
            fail(jobId, e.code(), e.getMessage());
        } catch (InterruptedException e) {
            requeue(jobId, "The worker stopped while transcribing; the job will be resumed.");
            Thread.currentThread().interrupt();
            throw e;
        } catch (Exception e) {
            // The details are for the operator; the user learns only that another attempt is coming.
            log.warn("Attempt {} at job {} failed", job.attempts() + 1, jobId, e);
            requeue(jobId, "Attempt " + (job.attempts() + 1) + " of " + settings.maxAttempts()
                    + " failed for a reason on our side; the job will be tried again.");
            throw e;
        }
    }

    private List<TranscriptSegment> process(TranscriptionJob job, JobWorkspace workspace) throws Exception {
        UUID jobId = job.id();
        Path media = workspace.file("media");
        try {
            store.download(job.mediaKey().orElseThrow(), media);
        } catch (NoSuchKeyException e) {
            throw new MediaRejectedException(FailureCode.MEDIA_MISSING,
                    "The stored media is gone (it may have expired). Upload the file again.");
        }
        Path pcm = workspace.file("audio.f32");
        try (MediaFile file = MediaFile.open(media, job.filename())) {
            MediaInfo info = file.info();
            jobs.update(jobId, j -> j.probed(info.container(), info.audioCodec(), info.durationSeconds()));
            if (info.durationSeconds() > settings.maxDurationSeconds()) {
                throw new MediaRejectedException(FailureCode.TOO_LONG,
                        MediaFile.tooLongMessage(settings.maxDurationSeconds()));
            }
            long samples = file.extractPcm(pcm, settings.maxDurationSeconds(), seconds -> { });
            double seconds = samples / (double) MediaFile.SAMPLE_RATE;
            if (info.durationSeconds() <= 0) {
                jobs.update(jobId, j -> j.probed(info.container(), info.audioCodec(), seconds));
            }
        }
        jobs.update(jobId, j -> j.startStage(JobStage.TRANSCRIBING, now()));
        long started = System.nanoTime();
        List<TranscriptSegment> segments = transcriber.transcribe(pcm, job.options(),
                seconds -> jobs.update(jobId, j -> j.progressed(seconds, now())));
        log.info("Job {}: Whisper took {} ms", jobId, (System.nanoTime() - started) / 1_000_000);
        return segments;
    }

    private void fail(UUID jobId, FailureCode code, String reason) {
        jobs.update(jobId, j -> {
            if (!j.status().isFinished()) {
                j.fail(code, reason, now());
            }
        });
    }

    private void requeue(UUID jobId, String reason) {
        boolean interrupted = Thread.interrupted();
        try {
            jobs.update(jobId, j -> {
                if (!j.status().isFinished()) {
                    j.requeue(reason, now());
                }
            });
        } catch (RuntimeException e) {
            log.warn("Could not put job {} back in the queue; JobRunr's retry will", jobId, e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Instant now() {
        return jobs.clock().instant();
    }
}
