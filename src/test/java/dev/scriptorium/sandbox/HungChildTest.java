package dev.scriptorium.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.testing.LogCapture;
import dev.scriptorium.testing.Patience;
import dev.scriptorium.testing.Signals;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestStack;
import dev.scriptorium.transcription.JobAttempt;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hang is a child that uses no CPU, however slow the job is otherwise. HANG_SECONDS is 3 here; the wall-clock limit
 * keeps its generous default, so only the CPU watch can stop a child.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HungChildTest {
    @TempDir
    static Path mediaDir;
    private TestStack stack;
    private TestMedia media;

    @BeforeAll
    void start() throws Exception {
        stack = TestStack.start(Map.of("HANG_SECONDS", "3"));
        media = new TestMedia(mediaDir);
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    private String upload(Path file) throws Exception {
        return stack.api().upload(file, Map.of("language", "en")).json().get("id").asText();
    }

    @Test
    void aChildStoppedWithSigstopIsKilledAfterHangSecondsRetriedOnceAndThenFailsWithTimeout() throws Exception {
        try (LogCapture log = new LogCapture()) {
            String id = upload(media.longVideo(120));
            Set<Long> stopped = new HashSet<>();
            for (int attempt = 1; attempt <= 2; attempt++) {
                long child = BusyChild.of(stack, id, attempt, stopped);
                assertThat(Signals.send(child, "STOP")).isTrue();
                stopped.add(child);
            }
            JsonNode job = stack.api().awaitFinished(id, Patience.forAudio(120));

            assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("failed");
            assertThat(job.get("failure_code").asText()).isEqualTo("timeout");
            assertThat(job.get("failure_reason").asText()).contains("stopped making progress twice")
                    .doesNotContain("HANG_SECONDS");
            List<JobAttempt> attempts = stack.application().jobs().attempts(UUID.fromString(id));
            assertThat(attempts).hasSize(2)
                    .allSatisfy(attempt -> assertThat(attempt.failureCode()).contains("timeout"));
            for (long child : stopped) {
                assertThat(log.linesWith("WARN", "killing child " + child + " (job " + id, "used no CPU for 3 s"))
                        .hasSize(1);
            }
            assertThat(log.linesWith("WARN", "Job " + id + " ended: failed with timeout")).hasSize(1);
        }
    }

    @Test
    void aChildThrottledToAFractionOfACpuIsNotKilledAndItsJobCompletes() throws Exception {
        try (LogCapture log = new LogCapture()) {
            String id = upload(media.longVideo(30));
            long child = BusyChild.of(stack, id, 1, Set.of());
            // Like CPU throttling in a container: the child runs 150 ms of every second.
            AtomicBoolean throttling = new AtomicBoolean(true);
            Thread throttle = new Thread(() -> {
                try {
                    while (throttling.get()) {
                        Signals.send(child, "STOP");
                        Thread.sleep(850);
                        Signals.send(child, "CONT");
                        Thread.sleep(150);
                    }
                } catch (Exception e) {
                    throttling.set(false);
                }
            });
            throttle.start();
            JsonNode job;
            try {
                // Throttled to 15 % of a CPU: seven times the usual time.
                job = stack.api().awaitFinished(id, Patience.forAudio(30 * 7));
            } finally {
                throttling.set(false);
                throttle.join();
                Signals.send(child, "CONT");
            }

            assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
            assertThat(stack.application().jobs().attempts(UUID.fromString(id))).hasSize(1);
            assertThat(log.linesWith("killing child " + child + " ")).isEmpty();
            assertThat(log.linesWith("INFO", "Job " + id + " ended: completed")).hasSize(1);
        }
    }
}
