package dev.scriptorium.testing;

import dev.scriptorium.whisper.SyntheticModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Synthetic Whisper models for tests, generated once per build under target/, and the real Silero VAD model, from the
 * npm package the test build installs (src/test/silero-vad).
 */
public final class TestModels {
    public static final long SEED = 42;
    /** The sha256 of {@code dist/silero_vad_v5.onnx} in {@code @ricky0123/vad-web} 0.0.31, as models/SHA256SUMS. */
    public static final String SILERO_VAD_SHA256 = "2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f";
    private static final Path SILERO_VAD = Path.of("src/test/silero-vad/node_modules/@ricky0123/vad-web/dist",
            "silero_vad_v5.onnx");

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

    /**
     * Silero VAD v5, checked against its sha256.
     *
     * @throws IllegalStateException if the test build did not install it, or it is not the file it should be
     */
    public static Path sileroVad() throws IOException {
        Path model = SILERO_VAD.toAbsolutePath();
        if (!Files.isRegularFile(model)) {
            throw new IllegalStateException(model + " is missing: the test build installs it with 'npm ci' in"
                    + " src/test/silero-vad (mvn generate-test-resources)");
        }
        String sha256;
        try {
            sha256 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(model)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (!sha256.equals(SILERO_VAD_SHA256)) {
            throw new IllegalStateException(model + " has sha256 " + sha256 + ", not " + SILERO_VAD_SHA256);
        }
        return model;
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
