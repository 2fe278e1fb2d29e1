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
    public static Path syntheticTiny() throws IOException {
        // The name changes with the format: a model cached by an older build is not reused.
        return cached("ggml-synthetic-tiny-" + SEED + ".bin", false);
    }

    /** As {@link #syntheticTiny}, English-only (51864 tokens, as OpenAI's {@code *.en} models). */
    public static Path syntheticTinyEnglishOnly() throws IOException {
        return cached("ggml-synthetic-tiny-" + SEED + ".en.bin", true);
    }

    private static synchronized Path cached(String name, boolean englishOnly) throws IOException {
        Path model = Path.of("target", "test-models", name).toAbsolutePath();
        if (!Files.exists(model)) {
            Files.createDirectories(model.getParent());
            Path partial = model.resolveSibling(model.getFileName() + ".part");
            SyntheticModel.write(partial, SyntheticModel.Dims.TINY, SEED, englishOnly);
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
