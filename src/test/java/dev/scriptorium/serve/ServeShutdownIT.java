package dev.scriptorium.serve;

import static org.assertj.core.api.Assertions.assertThat;

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
 * SIGTERM to the process group of {@code serve}, as systemd sends it to a service's control group, with two jobs
 * running: it stops within 15 s, leaves no process behind, and after a restart both jobs complete.
 */
class ServeShutdownIT {
    private static final Duration STOP_LIMIT = Duration.ofSeconds(15);
    @TempDir
    Path home;
    @TempDir
    Path mediaDir;

    @Test
    void sigtermToTheProcessGroupWithTwoJobsRunningStopsWithin15SecondsAndTheJobsCompleteAfterARestart()
            throws Exception {
        List<String> ids = new ArrayList<>();
        try (ServeProcess serve = ServeProcess.startInOwnSession(home, TestModels.twoSlotWorker(), "first.log")) {
            ApiClient api = new ApiClient(serve.baseUrl());
            Path video = new TestMedia(mediaDir).longVideo(600);
            for (int i = 0; i < 2; i++) {
                ids.add(api.upload(video, Map.of("language", "en")).json().get("id").asText());
            }
            ServeSupervisionIT.awaitProcessing(api, ids);
            long postgres = LocalProcesses.pidFile(LocalProcesses.postmasterPid(home)).orElseThrow();
            long redis = LocalProcesses.pidFile(LocalProcesses.redisPid(home)).orElseThrow();
            assertThat(LocalProcesses.inGroup(serve.pid())).as("serve, its children and Redis").hasSizeGreaterThan(3);

            long started = System.nanoTime();
            assertThat(Signals.send(-serve.pid(), "TERM")).isTrue();
            boolean exited = serve.awaitExit(STOP_LIMIT);
            long millis = (System.nanoTime() - started) / 1_000_000;
            System.out.printf("serve stopped %d ms after SIGTERM to its process group, with two jobs running%n",
                    millis);

            assertThat(exited).as("exited within %s:%n%s", STOP_LIMIT, serve.log()).isTrue();
            assertThat(LocalProcesses.inGroup(serve.pid())).isEmpty();
            assertThat(LocalProcesses.alive(postgres)).as("embedded PostgreSQL").isFalse();
            assertThat(LocalProcesses.alive(redis)).as("embedded Redis").isFalse();
            assertThat(LocalProcesses.mentioning(home.toString())).isEmpty();
            assertThat(serve.log()).contains("Stopping the serve role")
                    .containsPattern("Stopped the serve role in \\d+ ms").doesNotContain("worker_crashed");
        }
        try (ServeProcess serve = ServeProcess.start(home, TestModels.twoSlotWorker(), "second.log")) {
            ApiClient api = new ApiClient(serve.baseUrl());
            for (String id : ids) {
                JsonNode job = api.awaitFinished(id, Duration.ofMinutes(4));
                assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
            }
            assertThat(serve.stop()).isIn(0, 143);
        }
    }
}
