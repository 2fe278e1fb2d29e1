package dev.scriptorium.transcription;

import dev.scriptorium.media.QuietChunker;
import dev.scriptorium.metrics.Metrics;
import dev.scriptorium.queue.JobQueue;
import dev.scriptorium.sandbox.ChildCrashedException;
import dev.scriptorium.sandbox.SandboxSettings;
import dev.scriptorium.speech.SpeechSettings;
import dev.scriptorium.sandbox.WorkerSlots;
import dev.scriptorium.storage.ObjectStore;
import dev.scriptorium.whisper.ModelChoice;
import dev.scriptorium.whisper.ModelException;
import dev.scriptorium.whisper.ModelStatus;
import dev.scriptorium.whisper.WhisperSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes transcription jobs once the worker's sandboxed children have loaded the Whisper model. Until the model file
 * exists (or while it is unusable) the worker looks for it every few seconds, and jobs wait in the queue. While a
 * synthetic model stands in for a missing default one (serve, see {@link ModelChoice}), it keeps looking for the
 * default file, and once that is there and no job is in hand, loads it in place of the stand-in. This process never
 * loads native code itself. Thread-safe.
 */
public final class TranscriptionWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TranscriptionWorker.class);
    private static final int SEARCH_SECONDS = 10;
    private final JobQueue queue;
    private final TranscriptionQueue transcriptionQueue;
    private final TranscriptionJobs jobs;
    private final ObjectStore store;
    private final PipelineSettings pipeline;
    private final ModelChoice models;
    private final SandboxSettings sandbox;
    private final SpeechSettings speech;
    private final ChunkCheckpoints checkpoints;
    private final ChunkClaims claims;
    private final Metrics metrics;
    private final ScheduledExecutorService watcher;
    private volatile ModelStatus status;
    private volatile boolean stopping;
    /** Model files whisper.cpp refused, with the version refused: tried again only once the file changes. */
    private final Map<Path, FileTime> rejected = new HashMap<>();
    private volatile WorkerSlots slots;
    /** The settings of the model the slots have loaded. */
    private volatile WhisperSettings loaded;
    private ChunkHelpStep help;
    private int helpedBefore;

    public TranscriptionWorker(JobQueue queue, TranscriptionQueue transcriptionQueue, TranscriptionJobs jobs,
                               ChunkCheckpoints checkpoints, ChunkClaims claims, ObjectStore store,
                               PipelineSettings pipeline, ModelChoice models, SandboxSettings sandbox,
                               SpeechSettings speech, Metrics metrics) {
        this.speech = speech;
        this.metrics = metrics;
        this.checkpoints = checkpoints;
        this.claims = claims;
        this.queue = queue;
        this.transcriptionQueue = transcriptionQueue;
        this.jobs = jobs;
        this.store = store;
        this.pipeline = pipeline;
        this.models = models;
        this.sandbox = sandbox;
        this.status = ModelStatus.missing(models.preferred());
        this.watcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "model-watcher");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts the children now if a model is there, and keeps looking in the background for one, or for the preferred
     * one while a stand-in serves.
     */
    public void start() {
        if (!look()) {
            if (slots == null) {
                log.warn(status.message());
            }
            int poll = models.preferred().modelPollSeconds();
            watcher.scheduleWithFixedDelay(() -> {
                if (look()) {
                    watcher.shutdown();
                }
            }, poll, poll, TimeUnit.SECONDS);
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
        return helpedBefore + (help != null ? help.helpedChunks() : 0);
    }

    /** The model file of the loaded model, or of the one being looked for; for the worker's heartbeat. */
    public String modelName() {
        WhisperSettings current = loaded;
        return (current != null ? current : models.preferred()).model().getFileName().toString();
    }

    /**
     * Loads a model if none is loaded, or the preferred one in place of a stand-in while no job is in hand.
     *
     * @return true once there is nothing left to look for
     */
    private synchronized boolean look() {
        if (stopping) {
            return false;
        }
        try {
            if (slots == null) {
                Optional<WhisperSettings> available = models.available();
                if (available.isEmpty()) {
                    status = ModelStatus.missing(models.preferred());
                    return false;
                }
                Optional<WorkerSlots> started = load(available.get());
                if (started.isPresent()) {
                    serve(started.get(), available.get());
                }
            } else if (models.isStandIn(loaded) && slots.busy() == 0) {
                Optional<WhisperSettings> preferred = models.available().filter(found -> !models.isStandIn(found));
                if (preferred.isPresent()) {
                    Optional<WorkerSlots> started = load(preferred.get());
                    if (started.isPresent() && slots.busy() > 0) {
                        // A job came while the model loaded: it is not cut short; the next look tries again.
                        started.get().close();
                    } else if (started.isPresent()) {
                        replaceStandIn(started.get(), preferred.get());
                    }
                }
            }
            return slots != null && !models.isStandIn(loaded);
        } catch (Exception e) {
            if (!stopping) {
                log.error("Could not start transcribing", e);
            }
            return false;
        }
    }

    /** Starts slots on {@code whisper}'s model; empty, with a logged reason, if whisper.cpp cannot load it. */
    private Optional<WorkerSlots> load(WhisperSettings whisper) throws Exception {
        FileTime version = Files.getLastModifiedTime(whisper.model());
        if (version.equals(rejected.get(whisper.model()))) {
            return Optional.empty();
        }
        WorkerSlots started = new WorkerSlots(sandbox, whisper);
        try {
            started.startAll();
            return Optional.of(started);
        } catch (ModelException | ChildCrashedException e) {
            started.close();
            rejected.put(whisper.model(), version);
            ModelStatus unusable = ModelStatus.unusable(whisper, e instanceof ModelException ? e.getMessage()
                    : "whisper.cpp crashed while loading " + whisper.model());
            if (slots == null) {
                status = unusable;
            }
            log.error(unusable.message());
            return Optional.empty();
        } catch (Exception | Error e) {
            started.close();
            throw e;
        }
    }

    /** Takes jobs on {@code started}, which hold {@code whisper}'s model. */
    private void serve(WorkerSlots started, WhisperSettings whisper) {
        try {
            Transcriber transcriber = new Transcriber(new QuietChunker(whisper.chunkSeconds(), SEARCH_SECONDS));
            TranscribeStep step = new TranscribeStep(jobs, store, started, transcriber, checkpoints, claims,
                    transcriptionQueue, pipeline, speech, metrics);
            ChunkHelpStep help = new ChunkHelpStep(jobs, store, started, checkpoints, claims, pipeline.workDir(),
                    metrics);
            // One queue thread per slot, and each job holds one slot: a job never waits for a slot.
            queue.startServer(started.size(), Duration.ofSeconds(pipeline.pollSeconds()),
                    Map.of(TranscribeStep.class, step, ChunkHelpStep.class, help));
            slots = started;
            this.help = help;
        } catch (RuntimeException | Error e) {
            started.close();
            throw e;
        }
        loaded = whisper;
        status = ModelStatus.loaded(whisper);
        log.info("Whisper model {} loaded in {} sandboxed worker slot(s); taking transcription jobs",
                whisper.model().getFileName(), started.size());
        if (models.isStandIn(whisper)) {
            log.warn("WHISPER_MODEL is not set and {} does not exist, so serve uses the synthetic model {} until it"
                    + " does", models.preferred().model(), whisper.model());
        }
        if (status.synthetic()) {
            log.warn(status.message());
        }
    }

    /** The preferred model appeared while a stand-in served and no job was in hand: it takes the stand-in's place. */
    private void replaceStandIn(WorkerSlots started, WhisperSettings preferred) {
        log.info("{} is there now: it replaces the synthetic model {}", preferred.model(), loaded.model());
        queue.stopServer();
        WorkerSlots standIn = slots;
        helpedBefore += help.helpedChunks();
        slots = null;
        help = null;
        standIn.close();
        if (stopping) {
            started.close();
            return;
        }
        serve(started, preferred);
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
