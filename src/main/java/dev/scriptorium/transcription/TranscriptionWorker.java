package dev.scriptorium.transcription;

import dev.scriptorium.media.QuietChunker;
import dev.scriptorium.queue.JobQueue;
import dev.scriptorium.storage.ObjectStore;
import dev.scriptorium.whisper.ModelException;
import dev.scriptorium.whisper.ModelStatus;
import dev.scriptorium.whisper.WhisperEngine;
import dev.scriptorium.whisper.WhisperSettings;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes transcription jobs once a Whisper model is loaded. Until the model file exists (or while it is unusable) the
 * worker looks for it every few seconds, and jobs wait in the queue. Thread-safe.
 */
public final class TranscriptionWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TranscriptionWorker.class);
    private static final int SEARCH_SECONDS = 10;
    private final JobQueue queue;
    private final TranscriptionJobs jobs;
    private final ObjectStore store;
    private final PipelineSettings pipeline;
    private final WhisperSettings whisper;
    private final ScheduledExecutorService watcher;
    private volatile ModelStatus status;
    private FileTime rejectedVersion;
    private WhisperEngine engine;

    public TranscriptionWorker(JobQueue queue, TranscriptionJobs jobs, ObjectStore store, PipelineSettings pipeline,
                               WhisperSettings whisper) {
        this.queue = queue;
        this.jobs = jobs;
        this.store = store;
        this.pipeline = pipeline;
        this.whisper = whisper;
        this.status = ModelStatus.missing(whisper);
        this.watcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "model-watcher");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Loads the model now if it is there, and otherwise keeps looking for it in the background. */
    public void start() {
        if (!tryLoad()) {
            log.warn(status.message());
            watcher.scheduleWithFixedDelay(() -> {
                if (tryLoad()) {
                    watcher.shutdown();
                }
            }, whisper.modelPollSeconds(), whisper.modelPollSeconds(), TimeUnit.SECONDS);
        }
    }

    public ModelStatus status() {
        return status;
    }

    private synchronized boolean tryLoad() {
        if (engine != null) {
            return true;
        }
        try {
            if (!Files.isRegularFile(whisper.model())) {
                status = ModelStatus.missing(whisper);
                return false;
            }
            FileTime version = Files.getLastModifiedTime(whisper.model());
            if (version.equals(rejectedVersion)) {
                return false;
            }
            try {
                engine = WhisperEngine.load(whisper);
            } catch (ModelException e) {
                rejectedVersion = version;
                status = ModelStatus.unusable(whisper, e.getMessage());
                log.error(status.message());
                return false;
            }
            Transcriber transcriber = new Transcriber(engine, new QuietChunker(whisper.chunkSeconds(), SEARCH_SECONDS));
            TranscribeStep step = new TranscribeStep(jobs, store, transcriber, pipeline);
            queue.startServer(1, Duration.ofSeconds(pipeline.pollSeconds()), Map.of(TranscribeStep.class, step));
            status = ModelStatus.loaded(engine.modelName());
            log.info("Whisper model {} loaded; taking transcription jobs", engine.modelName());
            return true;
        } catch (Exception e) {
            log.error("Could not start transcribing", e);
            return false;
        }
    }

    @Override
    public synchronized void close() {
        watcher.shutdownNow();
        queue.stopServer();
        if (engine != null) {
            // Waits for a running transcription: freeing a context in use aborts the process.
            engine.close();
            engine = null;
        }
    }
}
