package dev.scriptorium.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.whisper.ModelHeader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * serve on its defaults without a real model: a synthetic model written by {@code models synthesize} under its
 * default name stands in for the missing default model, serve says wherever it shows the model that its transcripts
 * are nonsense, and a model that then appears at the default path takes the stand-in's place.
 */
class ServeModelIT {
    private static final Duration COMMAND_LIMIT = Duration.ofMinutes(3);
    /** Two model polls, a model load in a fresh child JVM and a JobRunr server restart, on a machine 5x slower. */
    private static final Duration PICKED_UP = Duration.ofMinutes(3);
    @TempDir
    Path home;

    @Test
    void aSynthesizedModelStandsInForTheMissingDefaultSaysItIsSyntheticAndGivesWayToTheDefaultFile()
            throws Exception {
        Map<String, String> env = Map.of("MODEL_POLL_SECONDS", "1", "WORKER_SLOTS", "1", "WHISPER_THREADS", "2",
                "WHISPER_TIMESTAMPS", "false", "WHISPER_TEMPERATURE_FALLBACK", "false");
        try (ServeProcess serve = ServeProcess.start(home, env, "serve.log")) {
            ApiClient api = new ApiClient(serve.baseUrl());
            assertThat(model(api).get("loaded").asBoolean()).isFalse();

            JarCommand.Result synthesized = JarCommand.run(home, Map.of(), COMMAND_LIMIT, "models", "synthesize");
            assertThat(synthesized.status()).as(synthesized.output()).isZero();
            assertThat(synthesized.output()).contains("models/ggml-synthetic-tiny.bin").contains("nonsense");
            assertThat(ModelHeader.read(home.resolve("models/ggml-synthetic-tiny.bin")).synthetic()).isTrue();

            JsonNode standIn = awaitModel(api, status -> status.get("loaded").asBoolean());
            assertThat(standIn.get("model").asText()).isEqualTo("ggml-synthetic-tiny.bin");
            assertThat(standIn.get("synthetic").asBoolean()).isTrue();
            assertThat(standIn.get("english_only").asBoolean()).isFalse();
            assertThat(standIn.get("message").asText()).contains("synthetic model: transcripts are nonsense")
                    .contains("models/download.sh base.en");
            assertThat(serve.awaitLog("uses the synthetic model models/ggml-synthetic-tiny.bin", PICKED_UP))
                    .containsPattern("WARN .*synthetic model: transcripts are nonsense");

            // No real model can be had here: an English-only synthetic one at the default path stands for it.
            JarCommand.Result atDefault = JarCommand.run(home, Map.of(), COMMAND_LIMIT, "models", "synthesize",
                    "models/ggml-base.en.bin", "--english-only");
            assertThat(atDefault.status()).as(atDefault.output()).isZero();

            JsonNode replaced = awaitModel(api, status -> status.get("model").asText().equals("ggml-base.en.bin"));
            assertThat(replaced.get("loaded").asBoolean()).isTrue();
            assertThat(replaced.get("english_only").asBoolean()).isTrue();
            assertThat(replaced.get("synthetic").asBoolean()).isTrue();
            assertThat(serve.log()).contains("it replaces the synthetic model models/ggml-synthetic-tiny.bin");
            assertThat(serve.stop()).isIn(0, 143);
        }
    }

    private static JsonNode model(ApiClient api) throws Exception {
        return api.get("/api/v1/status").json().get("model");
    }

    private static JsonNode awaitModel(ApiClient api, Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + PICKED_UP.toNanos();
        JsonNode status = model(api);
        while (!condition.test(status)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("The model status did not change within " + PICKED_UP.toMinutes()
                        + " minutes: " + status);
            }
            Thread.sleep(500);
            status = model(api);
        }
        return status;
    }
}
