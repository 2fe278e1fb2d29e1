package dev.scriptorium.whisper;

import java.nio.file.Path;

/**
 * How Whisper runs.
 *
 * @param model               ggml model file
 * @param threads             threads per transcription
 * @param chunkSeconds        audio is transcribed in chunks of about this length, cut at the quietest point nearby,
 *                            so that progress is real and memory stays bounded
 * @param timestamps          whether Whisper predicts timestamps (finer segments); off pins synthetic models to a
 *                            bounded, deterministic decode (see NOTES)
 * @param temperatureFallback whether Whisper retries a window at higher temperatures when decoding looks poor
 * @param modelPollSeconds    how often a role without a model looks for the file to appear
 * @param modelSet            whether WHISPER_MODEL names {@code model}; if not, it is the default file, and serve
 *                            may stand in a synthetic model while that is missing (see {@link ModelChoice})
 */
public record WhisperSettings(Path model, int threads, int chunkSeconds, boolean timestamps,
                              boolean temperatureFallback, int modelPollSeconds, boolean modelSet) {
    public static final String DEFAULT_MODEL_FILE = "ggml-base.en.bin";

    /** Settings for a model file given by name. */
    public WhisperSettings(Path model, int threads, int chunkSeconds, boolean timestamps, boolean temperatureFallback,
                           int modelPollSeconds) {
        this(model, threads, chunkSeconds, timestamps, temperatureFallback, modelPollSeconds, true);
    }

    /** The same settings for another model file. */
    public WhisperSettings withModel(Path other) {
        return new WhisperSettings(other, threads, chunkSeconds, timestamps, temperatureFallback, modelPollSeconds,
                modelSet);
    }
}
