package dev.scriptorium.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.LocalProcesses;
import dev.scriptorium.testing.Signals;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} keeps its embedded servers alive: killed outright under jobs in flight, the embedded Redis and then
 * the embedded PostgreSQL are started again on their data, {@code /readyz} is ready again, and every job completes.
 */
class ServeSupervisionIT {
    @TempDir
    Path home;
    @TempDir
    Path mediaDir;

    @Test
    void redisAndPostgresqlKilledUnderRunningJobsComeBackAndEveryJobCompletes() throws Exception {
        try (ServeProcess serve = ServeProcess.start(home, TestModels.twoSlotWorker(), "serve.log")) {
            ApiClient api = new ApiClient(serve.baseUrl());
            Path video = new TestMedia(mediaDir).longVideo(600);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                ids.add(api.upload(video, Map.of("language", "en")).json().get("id").asText());
            }
            awaitProcessing(api, ids);

            long redis = LocalProcesses.pidFile(LocalProcesses.redisPid(home)).orElseThrow();
            assertThat(Signals.send(redis, "KILL")).isTrue();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(LocalProcesses.pidFile(LocalProcesses.redisPid(home))).isPresent().get()
                        .isNotEqualTo(redis);
                assertThat(readiness(api).at("/checks/redis").asText()).isEqualTo("ok");
            });
            assertThat(serve.log()).contains("The embedded Redis exited unexpectedly")
                    .contains("The embedded Redis is running again");

            assertUnfinished(api, ids);
            long postgres = LocalProcesses.pidFile(LocalProcesses.postmasterPid(home)).orElseThrow();
            assertThat(Signals.send(postgres, "KILL")).isTrue();
            // Pooled connections may still answer for a moment, so the outage shows first as the server's own check.
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
                ApiClient.Response meanwhile = api.get("/readyz");
                assertThat(meanwhile.status()).as(meanwhile.body()).isEqualTo(503);
                assertThat(meanwhile.json().at("/checks/embedded_postgresql").asText()).isEqualTo("unavailable");
            });
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                assertThat(LocalProcesses.alive(postgres)).isFalse();
                ApiClient.Response ready = api.get("/readyz");
                assertThat(ready.status()).as(ready.body()).isEqualTo(200);
                assertThat(ready.json().get("status").asText()).isEqualTo("ready");
            });
            assertThat(serve.log()).contains("The embedded PostgreSQL exited unexpectedly")
                    .contains("The embedded PostgreSQL is running again");

            for (String id : ids) {
                JsonNode job = api.awaitFinished(id, Duration.ofMinutes(4));
                // On failure the serve's log tail says why: it lives in a temp dir that goes with the test.
                String why = job.get("status").asText().equals("completed") ? "" : "\n--- serve log, last lines ---\n"
                        + tail(serve.log(), 200);
                assertThat(job.get("status").asText()).as(job + why).isEqualTo("completed");
            }
            assertThat(serve.stop()).isIn(0, 143);
        }
    }

    static void awaitProcessing(ApiClient api, List<String> ids) {
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            for (String id : ids) {
                assertThat(api.job(id).path("stage").asText()).isEqualTo("transcribing");
            }
        });
    }

    private static void assertUnfinished(ApiClient api, List<String> ids) throws Exception {
        for (String id : ids) {
            assertThat(api.job(id).get("status").asText()).as("job %s still in flight", id).isIn("queued",
                    "processing");
        }
    }

    private static JsonNode readiness(ApiClient api) throws Exception {
        return api.get("/readyz").json();
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    }
}
