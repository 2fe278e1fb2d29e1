package dev.scriptorium.roles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.embedded.EmbeddedObjectStore;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.LocalProcesses;
import dev.scriptorium.testing.Signals;
import dev.scriptorium.testing.TestDatabase;
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
 * SIGTERM to the process groups of a {@code worker} in the middle of two jobs and of a {@code web} node, both at
 * once: each stops within 15 s, the worker leaves no child behind, and a new worker completes both jobs.
 */
class RolesShutdownIT {
    private static final Duration STOP_LIMIT = Duration.ofSeconds(15);
    @TempDir
    Path dir;

    @Test
    void workerAndWebStopWithin15SecondsOfSigtermToTheirProcessGroupsAndTheJobsCompleteOnANewWorker()
            throws Exception {
        try (TestDatabase database = TestDatabase.create();
             EmbeddedObjectStore s3 = EmbeddedObjectStore.start(dir.resolve("objects"))) {
            Map<String, String> shared = RoleEnvironments.shared(database, s3, dir);
            Map<String, String> scheduler = RoleEnvironments.forRole(shared, dir, "scheduler");
            scheduler.put("DASHBOARD_PORT", "0");
            Map<String, String> worker = RoleEnvironments.forRole(shared, dir, "worker");
            worker.putAll(TestModels.twoSlotWorker());
            Map<String, String> web = RoleEnvironments.forRole(shared, dir, "web");
            web.put("ANONYMOUS_ACCESS", "true");

            try (RoleProcess schedulerProcess = RoleProcess.start("scheduler", dir, scheduler, "MANAGEMENT_PORT")) {
                List<String> ids = new ArrayList<>();
                try (RoleProcess workerProcess = RoleProcess.startInOwnSession("worker", dir, worker,
                        "MANAGEMENT_PORT", "worker-1.log");
                     RoleProcess webProcess = RoleProcess.startInOwnSession("web", dir, web, "HTTP_PORT",
                             "web-1.log")) {
                    ApiClient api = new ApiClient(webProcess.baseUrl());
                    Path video = new TestMedia(dir.resolve("media")).longVideo(600);
                    for (int i = 0; i < 2; i++) {
                        ids.add(api.upload(video, Map.of("language", "en")).json().get("id").asText());
                    }
                    await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                        for (String id : ids) {
                            assertThat(api.job(id).path("stage").asText()).isEqualTo("transcribing");
                        }
                    });

                    long started = System.nanoTime();
                    assertThat(Signals.send(-workerProcess.pid(), "TERM")).isTrue();
                    assertThat(Signals.send(-webProcess.pid(), "TERM")).isTrue();
                    boolean workerExited = workerProcess.awaitExit(STOP_LIMIT);
                    long workerMillis = (System.nanoTime() - started) / 1_000_000;
                    boolean webExited = webProcess.awaitExit(STOP_LIMIT);
                    long webMillis = (System.nanoTime() - started) / 1_000_000;
                    System.out.printf("worker stopped %d ms and web %d ms after SIGTERM to their process groups,"
                            + " with two jobs running%n", workerMillis, webMillis);

                    assertThat(workerExited).as("worker exited:%n%s", workerProcess.log()).isTrue();
                    assertThat(webExited).as("web exited:%n%s", webProcess.log()).isTrue();
                    assertThat(LocalProcesses.inGroup(workerProcess.pid())).isEmpty();
                    assertThat(workerProcess.log()).contains("Stopping the worker role")
                            .containsPattern("Stopped the worker role in \\d+ ms").doesNotContain("worker_crashed");
                    assertThat(webProcess.log()).containsPattern("Stopped the web role in \\d+ ms");
                }
                try (RoleProcess workerProcess = RoleProcess.start("worker", dir, worker, "MANAGEMENT_PORT");
                     RoleProcess webProcess = RoleProcess.start("web", dir, web, "HTTP_PORT")) {
                    ApiClient api = new ApiClient(webProcess.baseUrl());
                    for (String id : ids) {
                        JsonNode job = api.awaitFinished(id, Duration.ofMinutes(4));
                        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
                    }
                }
            }
        }
    }
}
