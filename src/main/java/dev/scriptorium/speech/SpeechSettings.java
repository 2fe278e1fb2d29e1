package dev.scriptorium.speech;

import java.nio.file.Path;

/**
 * Speech detection: which model, and how frame probabilities become speech regions. The defaults are
 * faster-whisper's and Silero's own. Whether a job uses it is the job's {@code vad} option.
 *
 * @param model          the Silero VAD v5 ONNX file; without it, jobs run without speech detection
 * @param threshold      a frame at or above this probability is speech
 * @param minSpeechMs    shorter bursts of speech are dropped
 * @param minSilenceMs   a pause must last this long to end a region
 * @param padMs          kept on each side of a region, so that no word loses its first or last sound
 */
public record SpeechSettings(Path model, double threshold, int minSpeechMs, int minSilenceMs,
                             int padMs) {
    public static final String DEFAULT_MODEL_FILE = "silero_vad_v5.onnx";

    public static SpeechSettings defaults(Path model) {
        return new SpeechSettings(model, 0.5, 250, 500, 200);
    }

    /** Whether the model file is there to be loaded. */
    public boolean modelPresent() {
        return java.nio.file.Files.isRegularFile(model);
    }

    /** What a user or an operator reads when the model is missing. */
    public String missingModelNote() {
        return "Speech detection is off: the model " + model + " is missing. Get it with"
                + " 'models/download.sh silero-vad' (or set VAD_MODEL), and new jobs will skip silence and music.";
    }
}
