package dev.scriptorium.whisper;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether this process has a Whisper model loaded, and if not, what a person should do about it.
 *
 * @param synthetic   whether the model file is a synthetic one (random weights: its transcripts are nonsense)
 * @param englishOnly whether the model file is English-only (as OpenAI's {@code *.en} models); both are read from the
 *                    file's header whenever the file exists, loaded or not, and false when it does not
 */
public record ModelStatus(boolean loaded, String model, String message, boolean synthetic, boolean englishOnly) {
    private static final String NONSENSE = "synthetic model: transcripts are nonsense";
    private static final String DOWNLOAD = "models/download.sh base.en";

    /** A status that says nothing about the file's header. */
    public ModelStatus(boolean loaded, String model, String message) {
        this(loaded, model, message, false, false);
    }

    public static ModelStatus missing(WhisperSettings settings) {
        return of(false, settings.model(), "No Whisper model is loaded: " + settings.model() + " does not exist. "
                + "Download one with '" + DOWNLOAD + "' or set WHISPER_MODEL to a ggml model file. Uploads wait in"
                + " the queue until a model is loaded.");
    }

    public static ModelStatus unusable(WhisperSettings settings, String problem) {
        return of(false, settings.model(), problem + ". Replace the file (e.g. '" + DOWNLOAD + "') or set"
                + " WHISPER_MODEL to another ggml model file. Uploads wait in the queue until a model is loaded.");
    }

    public static ModelStatus loaded(WhisperSettings settings) {
        String name = settings.model().getFileName().toString();
        Optional<ModelHeader> header = ModelHeader.of(settings.model());
        boolean synthetic = header.map(ModelHeader::synthetic).orElse(false);
        return of(true, settings.model(), header, "Model " + name + " is loaded" + (synthetic ? " (" + NONSENSE
                + "; download a real one with '" + DOWNLOAD + "')." : "."));
    }

    /** For a role that runs no worker: the file's header if this machine has it. */
    public static ModelStatus onWorkers(WhisperSettings settings) {
        return of(false, settings.model(), "Transcription runs on worker processes.");
    }

    private static ModelStatus of(boolean loaded, Path model, String message) {
        return of(loaded, model, ModelHeader.of(model), message);
    }

    private static ModelStatus of(boolean loaded, Path model, Optional<ModelHeader> header, String message) {
        return new ModelStatus(loaded, model.getFileName().toString(), message,
                header.map(ModelHeader::synthetic).orElse(false), header.map(ModelHeader::englishOnly).orElse(false));
    }
}
