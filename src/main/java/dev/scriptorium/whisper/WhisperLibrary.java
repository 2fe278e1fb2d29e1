package dev.scriptorium.whisper;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Pointer;

/**
 * whisper.cpp v1.7.1's C API ({@code whisper.h}), as much of it as the engine uses. The struct layouts in
 * {@link FullParams}, {@link ContextParams} and {@link TokenData} are that version's; {@link NativeWhisper} refuses
 * any library whose defaults do not read back as 1.7.1's. Package-private: nothing outside {@code whisper/} knows
 * that JNA exists.
 */
interface WhisperLibrary extends Library {
    int SAMPLING_GREEDY = 0;
    int SAMPLING_BEAM_SEARCH = 1;

    /** {@code whisper_progress_callback}: percent of the call's audio done, once per 30 s window. */
    interface ProgressCallback extends Callback {
        void invoke(Pointer context, Pointer state, int percent, Pointer userData);
    }

    /**
     * {@code ggml_abort_callback}: non-zero stops the call; asked after every encoder and decoder pass. Its C
     * {@code bool} result is declared {@code byte}: with a Java {@code boolean}, whisper.cpp never saw true here.
     */
    interface AbortCallback extends Callback {
        byte invoke(Pointer userData);
    }

    /** {@code ggml_log_callback}. */
    interface LogCallback extends Callback {
        void invoke(int level, Pointer text, Pointer userData);
    }

    Pointer whisper_context_default_params_by_ref();

    Pointer whisper_full_default_params_by_ref(int strategy);

    void whisper_free_context_params(Pointer params);

    void whisper_free_params(Pointer params);

    Pointer whisper_init_from_file_with_params_no_state(String path, ContextParams.ByValue params);

    Pointer whisper_init_state(Pointer context);

    void whisper_free_state(Pointer state);

    void whisper_free(Pointer context);

    int whisper_is_multilingual(Pointer context);

    int whisper_token_eot(Pointer context);

    int whisper_lang_max_id();

    Pointer whisper_lang_str(int id);

    int whisper_full_with_state(Pointer context, Pointer state, FullParams.ByValue params, float[] samples,
                                int sampleCount);

    int whisper_full_lang_id_from_state(Pointer state);

    int whisper_full_n_segments_from_state(Pointer state);

    long whisper_full_get_segment_t0_from_state(Pointer state, int segment);

    long whisper_full_get_segment_t1_from_state(Pointer state, int segment);

    Pointer whisper_full_get_segment_text_from_state(Pointer state, int segment);

    int whisper_full_n_tokens_from_state(Pointer state, int segment);

    Pointer whisper_full_get_token_text_from_state(Pointer context, Pointer state, int segment, int token);

    TokenData.ByValue whisper_full_get_token_data_from_state(Pointer state, int segment, int token);

    int whisper_pcm_to_mel_with_state(Pointer context, Pointer state, float[] samples, int sampleCount,
                                      int threads);

    int whisper_lang_auto_detect_with_state(Pointer context, Pointer state, int offsetMs, int threads,
                                            float[] probabilities);

    void whisper_log_set(LogCallback callback, Pointer userData);
}
