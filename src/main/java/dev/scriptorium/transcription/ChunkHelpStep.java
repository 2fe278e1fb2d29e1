package dev.scriptorium.transcription;

import dev.scriptorium.media.AudioChunk;
import dev.scriptorium.metrics.Metrics;
import dev.scriptorium.sandbox.JobWatch;
import dev.scriptorium.sandbox.Sandbox;
import dev.scriptorium.sandbox.WorkerSlots;
import dev.scriptorium.storage.ObjectStore;
import dev.scriptorium.whisper.WhisperSegment;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.jobrunr.jobs.annotations.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Transcribes one chunk that another slot's job offered (see {@link SharedChunks}) and leaves it as a checkpoint for
 * that job to stitch. Helping is best effort: a chunk that is already done, taken, or no longer needed is skipped,
 * and if helping fails for any reason, the chunk's claim is dropped so that the job's own slot does it. A crash here
 * therefore never fails the job by itself; the job's own crash handling decides. Safe to run again.
 */
public final class ChunkHelpStep {
    private static final Logger log = LoggerFactory.getLogger(ChunkHelpStep.class);
    private final TranscriptionJobs jobs;
    private final ObjectStore store;
    private final WorkerSlots slots;
    private final ChunkCheckpoints checkpoints;
    private final ChunkClaims claims;
    private final Path workDir;
    private final AtomicInteger helped = new AtomicInteger();

    private final Metrics metrics;

    public ChunkHelpStep(TranscriptionJobs jobs, ObjectStore store, WorkerSlots slots, ChunkCheckpoints checkpoints,
                         ChunkClaims claims, Path workDir, Metrics metrics) {
        this.metrics = metrics;
        this.jobs = jobs;
        this.store = store;
        this.slots = slots;
        this.checkpoints = checkpoints;
        this.claims = claims;
        this.workDir = workDir;
    }

    /** Chunks of other slots' jobs this worker has transcribed since it started. */
    public int helpedChunks() {
        return helped.get();
    }

    @Job(name = "transcribe %0, chunk from sample %1", retries = 0)
    public void help(UUID jobId, long startSample, long endSample) throws InterruptedException {
        AudioChunk chunk = new AudioChunk(startSample, endSample);
        Optional<TranscriptionJob> job = jobs.find(jobId);
        if (job.isEmpty() || job.get().status() != JobStatus.PROCESSING || checkpoints.find(jobId, chunk).isPresent()) {
            return;
        }
        Sandbox sandbox = slots.acquire();
        sandbox.beginJob(jobId);
        String holder = ChunkClaims.holder("helper");
        try {
            if (claims.claim(jobId, chunk, holder)) {
                try {
                    if (checkpoints.find(jobId, chunk).isEmpty()) {
                        transcribe(job.get(), chunk, sandbox, holder);
                    }
                } finally {
                    claims.release(jobId, chunk, holder);
                }
            }
        } catch (InterruptedException e) {
            throw e;
        } catch (JobCanceledException e) {
            log.debug("Job {} stopped running while this slot helped with it; its chunk is dropped", jobId);
        } catch (Exception e) {
            log.warn("Could not help job {} with its chunk from {} s; its own slot will do it: {}", jobId,
                    chunk.startSeconds(), e.toString());
        } finally {
            sandbox.restartIfGone();
            sandbox.endJob();
            slots.release(sandbox);
        }
    }

    private void transcribe(TranscriptionJob job, AudioChunk chunk, Sandbox sandbox, String holder)
            throws Exception {
        UUID jobId = job.id();
        try (JobWorkspace workspace = JobWorkspace.create(workDir, jobId + "-chunk-" + chunk.startSample())) {
            Path audio = workspace.file("chunk.f32");
            try {
                store.download(SharedChunks.key(jobId, chunk), audio);
            } catch (NoSuchKeyException e) {
                return;
            }
            double seconds = chunk.endSeconds() - chunk.startSeconds();
            Instant deadline = Instant.now().plus(slots.settings().timeouts()
                    .limitFor(seconds, sandbox.secondsPerAudioSecond()));
            JobWatch watch = new LeasedWatch(new JobWatch() {
                @Override
                public Instant deadline() {
                    return deadline;
                }

                @Override
                public boolean canceled() {
                    return jobs.find(jobId).map(j -> j.status() != JobStatus.PROCESSING).orElse(true);
                }
            }, claims, jobId, chunk, holder);
            long started = System.nanoTime();
            List<WhisperSegment> segments = sandbox.transcribe(audio, new AudioChunk(0, chunk.length()),
                    job.effectiveOptions(), watch, fraction -> { });
            metrics.chunkTranscribed(sandbox.model(), slots.settings().device(), seconds,
                    (System.nanoTime() - started) / 1e9);
            checkpoints.save(jobId, chunk, segments);
            helped.incrementAndGet();
            log.info("Helped job {} with {} s of audio from {} s", jobId, Math.round(seconds),
                    Math.round(chunk.startSeconds()));
        }
    }
}
