package dev.scriptorium.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar's {@code serve} role on embedded defaults, in a fresh directory: it starts with nothing configured,
 * keeps uploads queued while it has no model, and after a restart with a model completes them, losing nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServeRoleIT {
    @TempDir
    static Path home;
    @TempDir
    static Path mediaDir;
    private final List<String> queuedIds = new ArrayList<>();

    @Test
    @Order(1)
    void startsOnEmbeddedDefaultsWithoutAModelAndSaysHowToGetOne() throws Exception {
        try (ServeProcess serve = ServeProcess.start(home, Map.of(), "first.log")) {
            System.out.printf("serve cold start (fresh data dir, no model): ready in %d ms%n",
                    serve.timeToReady().toMillis());
            ApiClient api = new ApiClient(serve.baseUrl());
            JsonNode model = api.get("/api/v1/status").json().get("model");
            assertThat(model.get("loaded").asBoolean()).isFalse();
            assertThat(model.get("message").asText()).contains("models/download.sh").contains("WHISPER_MODEL");
            assertThat(api.get("/").body()).contains("Upload and transcribe");
            assertThat(serve.log()).contains("No Whisper model is loaded");
            assertThat(home.resolve("data").resolve("postgres").resolve("PG_VERSION")).exists();
            int dashboards = Integer.parseInt(serve.env("DASHBOARD_PORT"));
            assertThat(serve.awaitLog("Scriptorium serve ready in ", Duration.ofSeconds(30)))
                    .containsPattern("Scriptorium serve ready in \\d+ ms: http://localhost:" + serve.env("HTTP_PORT")
                            + " \\(page and API\\), management " + serve.env("MANAGEMENT_PORT")
                            + " \\(/healthz /readyz /metrics\\), dashboards " + dashboards + " and "
                            + (dashboards + 1));

            TestMedia media = new TestMedia(mediaDir);
            for (Path file : List.of(media.wav(), media.mp4H264Aac())) {
                ApiClient.Response accepted = api.upload(file, Map.of());
                assertThat(accepted.status()).isEqualTo(202);
                assertThat(accepted.header("Location")).isEqualTo("/api/v1/jobs/" + accepted.json().get("id").asText());
                queuedIds.add(accepted.json().get("id").asText());
            }
            // Long enough for the ingest step to store both uploads; without a model they must stay queued.
            Thread.sleep(12_000);
            for (String id : queuedIds) {
                assertThat(api.job(id).get("status").asText()).isEqualTo("queued");
            }
            assertThat(serve.stop()).isIn(0, 143);
        }
    }

    @Test
    @Order(2)
    void afterARestartWithAModelTheQueuedJobsCompleteAndNothingIsLost() throws Exception {
        assertThat(queuedIds).hasSize(2);
        Map<String, String> withModel = Map.of(
                "WHISPER_MODEL", TestModels.syntheticTiny().toString(),
                "WHISPER_TIMESTAMPS", "false",
                "WHISPER_TEMPERATURE_FALLBACK", "false",
                "WHISPER_THREADS", "2");
        try (ServeProcess serve = ServeProcess.start(home, withModel, "second.log")) {
            System.out.printf("serve warm start (existing data dir, with model): ready in %d ms%n",
                    serve.timeToReady().toMillis());
            ApiClient api = new ApiClient(serve.baseUrl());
            assertThat(api.get("/api/v1/status").json().get("model").get("loaded").asBoolean()).isTrue();
            for (String id : queuedIds) {
                JsonNode job = api.awaitFinished(id, Duration.ofMinutes(3));
                assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
                assertThat(api.get("/api/v1/jobs/" + id + "/transcript?format=txt").body()).isNotBlank();
            }
            // FFmpeg and whisper.cpp ran in the sandboxed children only, never in the serving process.
            assertThat(serve.mappedLibraries()).doesNotContain("whisper").doesNotContain("libavcodec")
                    .doesNotContain("libavformat");
            assertThat(serve.stop()).isIn(0, 143);
        }
        try (var staged = Files.list(home.resolve("data").resolve("staging"))) {
            assertThat(staged.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    @Order(3)
    void afterTheProcessIsKilledHardItStartsAgainOnTheSameDataAndStillHasTheJobs() throws Exception {
        try (ServeProcess serve = ServeProcess.start(home, Map.of(), "third.log")) {
            serve.kill();
        }
        try (ServeProcess serve = ServeProcess.start(home, Map.of(), "fourth.log")) {
            assertThat(serve.log()).contains("leftover");
            ApiClient api = new ApiClient(serve.baseUrl());
            for (String id : queuedIds) {
                assertThat(api.job(id).get("status").asText()).isEqualTo("completed");
            }
            assertThat(serve.stop()).isIn(0, 143);
        }
    }
}
