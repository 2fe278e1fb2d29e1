package dev.scriptorium.transcription;

import dev.scriptorium.media.QuietChunker;
import dev.scriptorium.metrics.Metrics;
import dev.scriptorium.queue.JobQueue;
import dev.scriptorium.sandbox.ChildCrashedException;
import dev.scriptorium.sandbox.SandboxSettings;
import dev.scriptorium.sandbox.WorkerSlots;
import dev.scriptorium.storage.ObjectStore;
import dev.scriptorium.whisper.ModelException;
import dev.scriptorium.whisper.ModelStatus;
import dev.scriptorium.whisper.WhisperSettings;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes transcription jobs once the worker's sandboxed children have loaded the Whisper model. Until the model file
 * exists (or while it is unusable) the worker looks for it every few seconds, and jobs wait in the queue. This
 * process never loads native code itself. Thread-safe.
 */
public final class TranscriptionWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TranscriptionWorker.class);
    private static final int SEARCH_SECONDS = 10;
    private final JobQueue queue;
    private final TranscriptionQueue transcriptionQueue;
    private final TranscriptionJobs jobs;
    private final ObjectStore store;
    private final PipelineSettings pipeline;
    private final WhisperSettings whisper;
    private final SandboxSettings sandbox;
    private final ChunkCheckpoints checkpoints;
    private final ChunkClaims claims;
    private final Metrics metrics;
    private final ScheduledExecutorService watcher;
    private volatile ModelStatus status;
    private volatile boolean stopping;
    private FileTime rejectedVersion;
    private volatile WorkerSlots slots;
    private ChunkHelpStep help;

    public TranscriptionWorker(JobQueue queue, TranscriptionQueue transcriptionQueue, TranscriptionJobs jobs,
                               ChunkCheckpoints checkpoints, ChunkClaims claims, ObjectStore store,
                               PipelineSettings pipeline, WhisperSettings whisper, SandboxSettings sandbox,
                               Metrics metrics) {
        this.metrics = metrics;
        this.checkpoints = checkpoints;
        this.claims = claims;
        this.queue = queue;
        this.transcriptionQueue = transcriptionQueue;
        this.jobs = jobs;
        this.store = store;
        this.pipeline = pipeline;
        this.whisper = whisper;
        this.sandbox = sandbox;
        this.status = ModelStatus.missing(whisper);
        this.watcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "model-watcher");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts the children now if the model is there, and otherwise keeps looking for it in the background. */
    public void start() {
        if (!tryStart()) {
            log.warn(status.message());
            watcher.scheduleWithFixedDelay(() -> {
                if (tryStart()) {
                    watcher.shutdown();
                }
            }, whisper.modelPollSeconds(), whisper.modelPollSeconds(), TimeUnit.SECONDS);
        }
    }

    public ModelStatus status() {
        return status;
    }

    /** The worker's slots once started; for tests, benchmarks and the admin view. */
    public synchronized Optional<WorkerSlots> slots() {
        return Optional.ofNullable(slots);
    }

    /** Chunks of other slots' jobs (on this worker or others) that this worker's slots transcribed. */
    public synchronized int helpedChunks() {
        return help != null ? help.helpedChunks() : 0;
    }

    private synchronized boolean tryStart() {
        if (slots != null) {
            return true;
        }
        if (stopping) {
            return false;
        }
        WorkerSlots started = null;
        try {
            if (!Files.isRegularFile(whisper.model())) {
                status = ModelStatus.missing(whisper);
                return false;
            }
            FileTime version = Files.getLastModifiedTime(whisper.model());
            if (version.equals(rejectedVersion)) {
                return false;
            }
            started = new WorkerSlots(sandbox, whisper);
            try {
                started.startAll();
            } catch (ModelException | ChildCrashedException e) {
                started.close();
                rejectedVersion = version;
                status = ModelStatus.unusable(whisper, e instanceof ModelException ? e.getMessage()
                        : "whisper.cpp crashed while loading " + whisper.model());
                log.error(status.message());
                return false;
            }
            Transcriber transcriber = new Transcriber(new QuietChunker(whisper.chunkSeconds(), SEARCH_SECONDS));
            TranscribeStep step = new TranscribeStep(jobs, store, started, transcriber, checkpoints, claims,
                    transcriptionQueue, pipeline, metrics);
            ChunkHelpStep help = new ChunkHelpStep(jobs, store, started, checkpoints, claims, pipeline.workDir(),
                    metrics);
            // One queue thread per slot, and each job holds one slot: a job never waits for a slot.
            queue.startServer(started.size(), Duration.ofSeconds(pipeline.pollSeconds()),
                    Map.of(TranscribeStep.class, step, ChunkHelpStep.class, help));
            slots = started;
            this.help = help;
            status = ModelStatus.loaded(whisper.model().getFileName().toString());
            log.info("Whisper model {} loaded in {} sandboxed worker slot(s); taking transcription jobs",
                    whisper.model().getFileName(), started.size());
            return true;
        } catch (Exception e) {
            if (started != null) {
                started.close();
            }
            if (!stopping) {
                log.error("Could not start transcribing", e);
            }
            return false;
        }
    }

    /**
     * The first step of a stop, taken before anything else is closed: children are killed at once and none is
     * started again, so that running jobs go back to the queue within moments instead of holding the stop up until
     * JobRunr's grace period ends. Does not wait for the worker's lock: a model may be loading.
     */
    public void beginStop() {
        stopping = true;
        watcher.shutdownNow();
        WorkerSlots running = slots;
        if (running != null) {
            running.stopAll();
        }
    }

    @Override
    public synchronized void close() {
        beginStop();
        queue.stopServer();
        if (slots != null) {
            slots.close();
            slots = null;
        }
    }
}
