package dev.scriptorium.whisper;

import com.sun.jna.Pointer;
import dev.scriptorium.transcription.JobOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded Whisper model: a whisper.cpp 1.7.1 context and one state, bound through JNA (see {@link NativeWhisper}).
 *
 * <p>Thread-safety: whisper.cpp aborts the whole process when two threads use one context, or when a context is freed
 * while in use. Every native call therefore runs on the engine's own single thread, in order, and closing frees the
 * context on that thread after the call in progress. The one thread also matters for speed: whisper.cpp's OpenMP
 * team belongs to the thread that first calls it, and calls from any other thread ran about 2x slower here.
 * A call is stopped from outside through the {@code aborted} signal it was given, which whisper.cpp's abort callback
 * reads between passes. Safe to call from any thread; use one engine per worker slot.
 */
public final class WhisperEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WhisperEngine.class);
    /** whisper.cpp's log, at debug level; a constant, so that the callback outlives every engine. */
    private static final WhisperLibrary.LogCallback LOG = (level, text, userData) -> {
        if (text != null && log.isDebugEnabled()) {
            log.debug("whisper.cpp: {}", text.getString(0, StandardCharsets.UTF_8.name()).strip());
        }
    };
    private final ExecutorService thread;
    private final WhisperLibrary whisper;
    private final Pointer context;
    private final Pointer state;
    private final WhisperSettings settings;
    private final String modelName;
    private final boolean multilingual;
    private final int endOfText;
    private volatile boolean closed;

    private WhisperEngine(ExecutorService thread, WhisperLibrary whisper, Pointer context, Pointer state,
                          WhisperSettings settings) {
        this.thread = thread;
        this.whisper = whisper;
        this.context = context;
        this.state = state;
        this.settings = settings;
        this.modelName = settings.model().getFileName().toString();
        this.multilingual = whisper.whisper_is_multilingual(context) != 0;
        this.endOfText = whisper.whisper_token_eot(context);
    }

    /**
     * Loads the native library (once per process) and the model.
     *
     * @throws ModelException if the file is missing or is not a ggml Whisper model, or if the library is not
     *                        whisper.cpp 1.7.1
     */
    public static WhisperEngine load(WhisperSettings settings) throws ModelException {
        Path model = settings.model();
        if (!Files.isRegularFile(model)) {
            throw new ModelException("No Whisper model at " + model);
        }
        if (System.getProperty("jna.tmpdir") == null) {
            // JNA unpacks its own native stub; keep it in this process's temp directory, not the user's cache.
            System.setProperty("jna.tmpdir", System.getProperty("java.io.tmpdir"));
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
        WhisperLibrary whisper = NativeWhisper.load(settings.nativeDir());
        whisper.whisper_log_set(LOG, null);
        Pointer defaults = whisper.whisper_context_default_params_by_ref();
        ContextParams.ByValue params;
        try {
            params = new ContextParams.ByValue(new ContextParams(defaults));
        } finally {
            whisper.whisper_free_context_params(defaults);
        }
        params.flash_attn = (byte) (settings.decoding().flashAttention() ? 1 : 0);
        Path model = settings.model();
        Pointer context = whisper.whisper_init_from_file_with_params_no_state(model.toAbsolutePath().toString(),
                params);
        if (context == null) {
            throw new ModelException(model + " is not a ggml Whisper model that whisper.cpp can load");
        }
        Pointer state = whisper.whisper_init_state(context);
        if (state == null) {
            whisper.whisper_free(context);
            throw new ModelException("whisper.cpp could not allocate its working memory for " + model);
        }
        return new WhisperEngine(thread, whisper, context, state, settings);
    }

    public String modelName() {
        return modelName;
    }

    /** False for an English-only model ({@code .en}), which knows one language and cannot detect any. */
    public boolean multilingual() {
        return multilingual;
    }

    /**
     * Transcribes one chunk of 16 kHz mono audio.
     *
     * @param progress told the percent of this chunk done, at the start of every 30 s window, on the engine's thread
     * @param aborted  asked after every encoder and decoder pass; true stops the call (the model stays loaded)
     * @return segments with times in seconds from the start of {@code samples}, in order
     * @throws AbortedException if {@code aborted} said so
     */
    public List<WhisperSegment> transcribe(float[] samples, JobOptions options, IntConsumer progress,
                                           BooleanSupplier aborted) {
        if (closed) {
            throw new IllegalStateException("Whisper engine is closed");
        }
        if (samples.length == 0) {
            return List.of();
        }
        return onThread(thread, () -> run(samples, options, progress, aborted));
    }

    private List<WhisperSegment> run(float[] samples, JobOptions options, IntConsumer progress,
                                     BooleanSupplier aborted) {
        boolean words = options.wordTimestamps();
        FullParams.ByValue params = defaults();
        params.n_threads = settings.threads();
        String language = multilingual ? options.language().orElse("auto") : "en";
        params.language = new com.sun.jna.Memory(language.length() + 1L);
        params.language.setString(0, language, StandardCharsets.US_ASCII.name());
        params.detect_language = 0;
        params.translate = (byte) (options.task() == JobOptions.Task.TRANSLATE ? 1 : 0);
        if (options.prompt().isPresent()) {
            byte[] prompt = options.prompt().get().getBytes(StandardCharsets.UTF_8);
            params.initial_prompt = new com.sun.jna.Memory(prompt.length + 1L);
            params.initial_prompt.write(0, prompt, 0, prompt.length);
            params.initial_prompt.setByte(prompt.length, (byte) 0);
        }
        params.no_timestamps = (byte) (settings.timestamps() ? 0 : 1);
        params.token_timestamps = (byte) (words ? 1 : 0);
        if (!settings.temperatureFallback()) {
            params.temperature_inc = 0f;
            // best_of only serves sampling at a raised temperature; without fallback there is none, and whisper.cpp
            // would still set up its default five decoders for every call.
            params.greedy_best_of = 1;
        }
        params.print_progress = 0;
        params.print_realtime = 0;
        params.print_timestamps = 0;
        params.print_special = 0;
        // Both callbacks are fields of params, which lives until this method returns: JNA keeps them reachable.
        // whisper.cpp counts whole 30 s windows, so the last one may report past 100.
        params.progress_callback = (ctx, st, percent, userData) -> progress.accept(Math.min(100, Math.max(0,
                percent)));
        params.abort_callback = userData -> (byte) (aborted.getAsBoolean() ? 1 : 0);
        int result = whisper.whisper_full_with_state(context, state, params, samples, samples.length);
        if (aborted.getAsBoolean()) {
            throw new AbortedException();
        }
        if (result != 0) {
            throw new TranscriptionException("whisper.cpp returned error " + result);
        }
        return segments(words);
    }

    private FullParams.ByValue defaults() {
        int strategy = settings.decoding().beamSearch() ? WhisperLibrary.SAMPLING_BEAM_SEARCH
                : WhisperLibrary.SAMPLING_GREEDY;
        Pointer memory = whisper.whisper_full_default_params_by_ref(strategy);
        try {
            FullParams.ByValue params = new FullParams.ByValue();
            int size = params.size();
            params.getPointer().write(0, memory.getByteArray(0, size), 0, size);
            params.read();
            if (settings.decoding().beamSearch()) {
                params.beam_search_beam_size = settings.decoding().beamSize();
            }
            return params;
        } finally {
            whisper.whisper_free_params(memory);
        }
    }

    private List<WhisperSegment> segments(boolean withWords) {
        int count = whisper.whisper_full_n_segments_from_state(state);
        List<WhisperSegment> segments = new ArrayList<>(count);
        double previousEnd = 0;
        for (int i = 0; i < count; i++) {
            double start = whisper.whisper_full_get_segment_t0_from_state(state, i) / 100.0;
            double end = whisper.whisper_full_get_segment_t1_from_state(state, i) / 100.0;
            if (!settings.timestamps()) {
                // Without timestamp tokens whisper.cpp gives every window's segment the call's start time; a
                // window's text begins where the previous window ended.
                start = Math.max(start, previousEnd);
            }
            end = Math.max(start, end);
            String text = text(whisper.whisper_full_get_segment_text_from_state(state, i));
            List<Words.Token> tokens = new ArrayList<>();
            double logprobSum = 0;
            int tokenCount = whisper.whisper_full_n_tokens_from_state(state, i);
            for (int j = 0; j < tokenCount; j++) {
                TokenData data = whisper.whisper_full_get_token_data_from_state(state, i, j);
                if (data.id >= endOfText) {
                    continue;
                }
                logprobSum += data.plog;
                Pointer tokenText = whisper.whisper_full_get_token_text_from_state(context, state, i, j);
                byte[] bytes = tokenText == null ? new byte[0] : bytes(tokenText);
                // whisper.cpp 1.7.1 sets the last token's end from memory past the segment's tokens (its voice
                // activity pass tests "j < ns - 1" with ns a sample count), so it differs from call to call; that
                // token ends where its segment does.
                double tokenEnd = j == tokenCount - 1 ? Math.max(data.t0 / 100.0, end) : data.t1 / 100.0;
                tokens.add(new Words.Token(bytes, data.t0 / 100.0, tokenEnd, data.p));
            }
            Double avgLogprob = tokens.isEmpty() ? null : logprobSum / tokens.size();
            List<WhisperWord> words = withWords ? Words.fromTokens(tokens, start, end) : List.of();
            segments.add(new WhisperSegment(start, end, text, words, avgLogprob));
            previousEnd = Math.max(previousEnd, end);
        }
        return segments;
    }

    /**
     * Detects the spoken language of up to 30 s of audio (whisper.cpp looks at the first 30 s).
     *
     * @return the most likely language and the next two, with their probabilities
     * @throws AbortedException if {@code aborted} said so meanwhile
     */
    public DetectedLanguage detectLanguage(float[] samples, BooleanSupplier aborted) {
        if (closed) {
            throw new IllegalStateException("Whisper engine is closed");
        }
        return onThread(thread, () -> detect(samples, aborted));
    }

    private DetectedLanguage detect(float[] samples, BooleanSupplier aborted) {
        if (!multilingual) {
            return new DetectedLanguage("en", 1.0, List.of());
        }
        if (whisper.whisper_pcm_to_mel_with_state(context, state, samples, samples.length, settings.threads()) != 0) {
            throw new TranscriptionException("whisper.cpp could not compute the spectrogram for language detection");
        }
        float[] probabilities = new float[whisper.whisper_lang_max_id() + 1];
        int best = whisper.whisper_lang_auto_detect_with_state(context, state, 0, settings.threads(), probabilities);
        if (aborted.getAsBoolean()) {
            throw new AbortedException();
        }
        if (best < 0) {
            throw new TranscriptionException("whisper.cpp's language detection returned error " + best);
        }
        List<Integer> ranked = IntStream.range(0, probabilities.length).boxed()
                .sorted(Comparator.comparingDouble((Integer id) -> probabilities[id]).reversed())
                .limit(3).toList();
        List<DetectedLanguage.Candidate> alternatives = new ArrayList<>();
        for (int id : ranked.subList(1, ranked.size())) {
            alternatives.add(new DetectedLanguage.Candidate(language(id), probabilities[id]));
        }
        return new DetectedLanguage(language(ranked.get(0)), probabilities[ranked.get(0)], alternatives);
    }

    private String language(int id) {
        return whisper.whisper_lang_str(id).getString(0, StandardCharsets.US_ASCII.name());
    }

    private static String text(Pointer pointer) {
        return pointer == null ? "" : new String(bytes(pointer), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(Pointer pointer) {
        long length = pointer.indexOf(0, (byte) 0);
        return pointer.getByteArray(0, (int) length);
    }

    /** Frees the state and the context once the call in progress (if any) has returned; waits for that. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        thread.execute(() -> {
            whisper.whisper_free_state(state);
            whisper.whisper_free(context);
        });
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
     * native call cannot be stopped that way (use {@link #abort}), and its result must not be lost. The interrupt is
     * kept for the caller.
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
