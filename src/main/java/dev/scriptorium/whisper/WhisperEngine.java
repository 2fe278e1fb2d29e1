package dev.scriptorium.whisper;

import dev.scriptorium.transcription.JobOptions;
import io.github.givimad.whisperjni.WhisperContext;
import io.github.givimad.whisperjni.WhisperFullParams;
import io.github.givimad.whisperjni.WhisperJNI;
import io.github.givimad.whisperjni.WhisperSamplingStrategy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded Whisper model (a whisper.cpp context through whisper-jni).
 *
 * <p>Thread-safety: whisper.cpp aborts the whole process when two threads use one context, or when a context is freed
 * while in use. Every native call therefore runs on the engine's own single thread, in order, and closing frees the
 * context on that thread after the call in progress. The one thread also matters for speed: whisper.cpp's OpenMP
 * team belongs to the thread that first calls it, and calls from any other thread ran about 2x slower here.
 * Safe to call from any thread; use one engine per worker slot.
 */
public final class WhisperEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WhisperEngine.class);
    private final ExecutorService thread;
    private final WhisperJNI whisper;
    private final WhisperContext context;
    private final WhisperSettings settings;
    private final String modelName;
    private volatile boolean closed;

    private WhisperEngine(ExecutorService thread, WhisperJNI whisper, WhisperContext context,
                          WhisperSettings settings) {
        this.thread = thread;
        this.whisper = whisper;
        this.context = context;
        this.settings = settings;
        this.modelName = settings.model().getFileName().toString();
    }

    /**
     * Loads the native library (once per process) and the model.
     *
     * @throws ModelException if the file is missing or is not a ggml Whisper model
     */
    public static WhisperEngine load(WhisperSettings settings) throws ModelException {
        Path model = settings.model();
        if (!Files.isRegularFile(model)) {
            throw new ModelException("No Whisper model at " + model);
        }
        ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread whisperThread = new Thread(runnable, "whisper-" + model.getFileName());
            whisperThread.setDaemon(true);
            return whisperThread;
        });
        try {
            return onThread(thread, () -> load(thread, settings));
        } catch (ModelException | RuntimeException e) {
            thread.shutdown();
            throw e;
        }
    }

    private static WhisperEngine load(ExecutorService thread, WhisperSettings settings) throws ModelException {
        Path model = settings.model();
        try {
            WhisperJNI.LibraryLogger logger = message -> log.debug("whisper.cpp: {}", message.strip());
            WhisperJNI.loadLibrary(logger);
            // Routes whisper.cpp's own log (model loading, timings) from stderr to ours.
            WhisperJNI.setLibraryLogger(logger);
            WhisperJNI whisper = new WhisperJNI();
            WhisperContext context = whisper.init(model);
            if (context == null) {
                throw new ModelException(model + " is not a ggml Whisper model that whisper.cpp can load");
            }
            return new WhisperEngine(thread, whisper, context, settings);
        } catch (IOException e) {
            throw new ModelException("Cannot load the Whisper model " + model + ": " + e.getMessage());
        }
    }

    public String modelName() {
        return modelName;
    }

    /**
     * Transcribes one chunk of 16 kHz mono audio.
     *
     * @return segments with times in seconds from the start of {@code samples}, in order
     */
    public List<WhisperSegment> transcribe(float[] samples, JobOptions options) {
        if (closed) {
            throw new IllegalStateException("Whisper engine is closed");
        }
        if (samples.length == 0) {
            return List.of();
        }
        return onThread(thread, () -> run(samples, options));
    }

    private List<WhisperSegment> run(float[] samples, JobOptions options) {
        WhisperFullParams params = new WhisperFullParams(WhisperSamplingStrategy.GREEDY);
        params.nThreads = settings.threads();
        params.language = options.language().orElse(null);
        params.detectLanguage = false;
        params.translate = options.task() == JobOptions.Task.TRANSLATE;
        params.noTimestamps = !settings.timestamps();
        if (!settings.temperatureFallback()) {
            params.temperatureInc = 0f;
        }
        params.printProgress = false;
        params.printRealtime = false;
        params.printTimestamps = false;
        params.printSpecial = false;
        int result = whisper.full(context, params, samples, samples.length);
        if (result != 0) {
            throw new TranscriptionException("whisper.cpp returned error " + result);
        }
        int count = whisper.fullNSegments(context);
        List<WhisperSegment> segments = new ArrayList<>(count);
        double previousEnd = 0;
        for (int i = 0; i < count; i++) {
            double start = whisper.fullGetSegmentTimestamp0(context, i) / 100.0;
            double end = whisper.fullGetSegmentTimestamp1(context, i) / 100.0;
            if (!settings.timestamps()) {
                // Without timestamp tokens whisper.cpp gives every window's segment the call's start time; a
                // window's text begins where the previous window ended.
                start = Math.max(start, previousEnd);
            }
            segments.add(new WhisperSegment(start, Math.max(start, end), whisper.fullGetSegmentText(context, i)));
            previousEnd = Math.max(previousEnd, end);
        }
        return segments;
    }

    /** Frees the context once the call in progress (if any) has returned; waits for that. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        thread.execute(context::close);
        thread.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (thread.awaitTermination(1, TimeUnit.HOURS)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** A task for the engine's thread that may throw. */
    private interface Task<T, E extends Exception> {
        T run() throws E;
    }

    /**
     * Runs {@code task} on the engine's thread and waits for it, even if the caller is interrupted meanwhile: the
     * native call cannot be stopped, and its result must not be lost. The interrupt is kept for the caller.
     */
    private static <T, E extends Exception> T onThread(ExecutorService thread, Task<T, E> task) throws E {
        Future<T> result = thread.submit(() -> {
            try {
                return task.run();
            } catch (Exception e) {
                throw new ExecutionException(e);
            }
        });
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause() instanceof ExecutionException wrapped ? wrapped.getCause()
                            : e.getCause();
                    if (cause instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    if (cause instanceof Error error) {
                        throw error;
                    }
                    @SuppressWarnings("unchecked")
                    E checked = (E) cause;
                    throw checked;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
