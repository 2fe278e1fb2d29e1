package dev.scriptorium.testing;

import dev.scriptorium.whisper.SyntheticModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/** Synthetic Whisper models for tests, generated once per build under target/. */
public final class TestModels {
    public static final long SEED = 42;

    private TestModels() {
    }

    /** A multilingual model with tiny's dimensions, marked as synthetic (see SyntheticModel.MARKER). */
    public static synchronized Path syntheticTiny() throws IOException {
        // The name changes with the format: a model cached by an older build is not reused.
        Path model = Path.of("target", "test-models", "ggml-synthetic-tiny-" + SEED + ".bin").toAbsolutePath();
        if (!Files.exists(model)) {
            Files.createDirectories(model.getParent());
            Path partial = model.resolveSibling(model.getFileName() + ".part");
            SyntheticModel.write(partial, SyntheticModel.Dims.TINY, SEED);
            Files.move(partial, model, StandardCopyOption.ATOMIC_MOVE);
        }
        return model;
    }

    /**
     * A worker's settings for two jobs side by side on two cores: two slots of one Whisper thread each on the
     * synthetic model, with the bounded, deterministic decoding setting.
     */
    public static Map<String, String> twoSlotWorker() throws IOException {
        return Map.of(
                "WHISPER_MODEL", syntheticTiny().toString(),
                "WHISPER_TIMESTAMPS", "false",
                "WHISPER_TEMPERATURE_FALLBACK", "false",
                "WORKER_SLOTS", "2",
                "WHISPER_THREADS", "1");
    }
}
