package dev.scriptorium.whisper;

/** Whether this process has a Whisper model loaded, and if not, what a person should do about it. */
public record ModelStatus(boolean loaded, String model, String message) {
    public static ModelStatus missing(WhisperSettings settings) {
        return new ModelStatus(false, settings.model().getFileName().toString(), "No Whisper model is loaded: "
                + settings.model() + " does not exist. Download one with 'models/download.sh base.en' or set "
                + "WHISPER_MODEL to a ggml model file. Uploads wait in the queue until a model is loaded.");
    }

    public static ModelStatus unusable(WhisperSettings settings, String problem) {
        return new ModelStatus(false, settings.model().getFileName().toString(), problem + ". Replace the file "
                + "(e.g. 'models/download.sh base.en') or set WHISPER_MODEL to another ggml model file. Uploads wait "
                + "in the queue until a model is loaded.");
    }

    public static ModelStatus loaded(String model) {
        return new ModelStatus(true, model, "Model " + model + " is loaded.");
    }
}
