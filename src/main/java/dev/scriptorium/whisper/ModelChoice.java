package dev.scriptorium.whisper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Which model file a worker loads. A set WHISPER_MODEL is the only choice, and so is the default file for every role
 * but serve. Under serve without WHISPER_MODEL, a synthetic model beside the default file
 * ({@code models/ggml-synthetic-*.bin}, the first by name) stands in while the default file is missing, so that a
 * fresh install runs end to end (transcribing nonsense, and saying so); the default file wins once it is there.
 * Thread-safe.
 */
public final class ModelChoice {
    private final WhisperSettings preferred;
    private final boolean syntheticStandIn;

    private ModelChoice(WhisperSettings preferred, boolean syntheticStandIn) {
        this.preferred = preferred;
        this.syntheticStandIn = syntheticStandIn;
    }

    /** {@code settings.model()} and nothing else. */
    public static ModelChoice only(WhisperSettings settings) {
        return new ModelChoice(settings, false);
    }

    /** {@code settings.model()}, or while it is missing and WHISPER_MODEL is not set, a synthetic model beside it. */
    public static ModelChoice orSyntheticStandIn(WhisperSettings settings) {
        return new ModelChoice(settings, !settings.modelSet());
    }

    /** The settings as configured: the model to load whenever it exists. */
    public WhisperSettings preferred() {
        return preferred;
    }

    /** The settings for the model to load now; empty while there is none. */
    public Optional<WhisperSettings> available() {
        if (Files.isRegularFile(preferred.model())) {
            return Optional.of(preferred);
        }
        return syntheticStandIn ? standIn().map(preferred::withModel) : Optional.empty();
    }

    /** Whether {@code settings} load a stand-in rather than the preferred model. */
    public boolean isStandIn(WhisperSettings settings) {
        return !settings.model().equals(preferred.model());
    }

    private Optional<Path> standIn() {
        Path directory = preferred.model().toAbsolutePath().getParent();
        if (directory == null || !Files.isDirectory(directory)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> {
                String name = file.getFileName().toString();
                return name.startsWith(SyntheticModel.FILE_PREFIX) && name.endsWith(".bin");
            }).filter(Files::isRegularFile).sorted().findFirst()
                    .map(file -> preferred.model().resolveSibling(file.getFileName()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
