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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded Whisper model (a whisper.cpp context through whisper-jni).
 *
 * <p>Thread-safety: whisper.cpp aborts the whole process when two threads use one context, or when a context is freed
 * while in use, so every call here is serialized on this object. Use one engine per worker slot.
 */
public final class WhisperEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WhisperEngine.class);
    private final WhisperJNI whisper;
    private final WhisperContext context;
    private final WhisperSettings settings;
    private final String modelName;
    private boolean closed;

    private WhisperEngine(WhisperJNI whisper, WhisperContext context, WhisperSettings settings) {
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
        try {
            WhisperJNI.loadLibrary(message -> log.debug("whisper.cpp: {}", message.strip()));
            WhisperJNI whisper = new WhisperJNI();
            WhisperContext context = whisper.init(model);
            if (context == null) {
                throw new ModelException(model + " is not a ggml Whisper model that whisper.cpp can load");
            }
            return new WhisperEngine(whisper, context, settings);
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
    public synchronized List<WhisperSegment> transcribe(float[] samples, JobOptions options) {
        if (closed) {
            throw new IllegalStateException("Whisper engine is closed");
        }
        if (samples.length == 0) {
            return List.of();
        }
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
        for (int i = 0; i < count; i++) {
            double start = whisper.fullGetSegmentTimestamp0(context, i) / 100.0;
            double end = whisper.fullGetSegmentTimestamp1(context, i) / 100.0;
            segments.add(new WhisperSegment(start, Math.max(start, end), whisper.fullGetSegmentText(context, i)));
        }
        return segments;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            context.close();
        }
    }
}
