package dev.scriptorium.whisper;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How Whisper runs.
 *
 * @param model               ggml model file
 * @param threads             threads per transcription
 * @param chunkSeconds        audio is transcribed in chunks of about this length, cut at the quietest point nearby,
 *                            so that memory stays bounded and one file can use several slots
 * @param timestamps          whether Whisper predicts timestamps (finer segments); off pins synthetic models to a
 *                            bounded, deterministic decode (see NOTES)
 * @param temperatureFallback whether Whisper retries a window at higher temperatures when decoding looks poor
 * @param modelPollSeconds    how often a role without a model looks for the file to appear
 * @param modelSet            whether WHISPER_MODEL names {@code model}; if not, it is the default file, and serve
 *                            may stand in a synthetic model while that is missing (see {@link ModelChoice})
 * @param decoding            the search, its beam and flash attention
 * @param nativeDir           a directory with whisper.cpp 1.7.1's {@code libwhisper.so} (a CUDA build); empty for
 *                            the library whisper-jni ships
 */
public record WhisperSettings(Path model, int threads, int chunkSeconds, boolean timestamps,
                              boolean temperatureFallback, int modelPollSeconds, boolean modelSet, Decoding decoding,
                              Optional<Path> nativeDir) {
    public static final String DEFAULT_MODEL_FILE = "ggml-base.en.bin";

    /**
     * @param beamSearch     beam search instead of greedy decoding
     * @param beamSize       beams when {@code beamSearch}; whisper.cpp's CLI uses 5
     * @param flashAttention whisper.cpp's flash attention ({@code whisper_context_params.flash_attn})
     */
    public record Decoding(boolean beamSearch, int beamSize, boolean flashAttention) {
        public static final Decoding GREEDY = new Decoding(false, 5, false);
    }

    /** Settings for a model file given by name, greedy, with the shipped library. */
    public WhisperSettings(Path model, int threads, int chunkSeconds, boolean timestamps, boolean temperatureFallback,
                           int modelPollSeconds) {
        this(model, threads, chunkSeconds, timestamps, temperatureFallback, modelPollSeconds, true, Decoding.GREEDY,
                Optional.empty());
    }

    public WhisperSettings(Path model, int threads, int chunkSeconds, boolean timestamps, boolean temperatureFallback,
                           int modelPollSeconds, boolean modelSet) {
        this(model, threads, chunkSeconds, timestamps, temperatureFallback, modelPollSeconds, modelSet,
                Decoding.GREEDY, Optional.empty());
    }

    /** The same settings for another model file. */
    public WhisperSettings withModel(Path other) {
        return new WhisperSettings(other, threads, chunkSeconds, timestamps, temperatureFallback, modelPollSeconds,
                modelSet, decoding, nativeDir);
    }

    public WhisperSettings withDecoding(Decoding other) {
        return new WhisperSettings(model, threads, chunkSeconds, timestamps, temperatureFallback, modelPollSeconds,
                modelSet, other, nativeDir);
    }

    public WhisperSettings withNativeDir(Optional<Path> other) {
        return new WhisperSettings(model, threads, chunkSeconds, timestamps, temperatureFallback, modelPollSeconds,
                modelSet, decoding, other);
    }
}
