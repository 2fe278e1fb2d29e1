package dev.scriptorium.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.testing.LogCapture;
import dev.scriptorium.testing.Signals;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestStack;
import dev.scriptorium.transcription.JobAttempt;
import dev.scriptorium.transcription.JobStatus;
import dev.scriptorium.transcription.TranscriptionJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    /** The child working on the job's {@code attempt} right now. */
    private long busyChild(String jobId, int attempt, Set<Long> seen) {
        UUID id = UUID.fromString(jobId);
        return await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(50)).until(() -> {
            TranscriptionJob job = stack.application().jobs().find(id).orElseThrow();
            if (job.status() != JobStatus.PROCESSING || job.attempts() != attempt) {
                return null;
            }
            for (Sandbox sandbox : stack.application().worker().orElseThrow().slots().orElseThrow().sandboxes()) {
                Optional<Long> pid = sandbox.childPid();
                if (sandbox.currentJob().equals(Optional.of(id)) && pid.isPresent() && !seen.contains(pid.get())) {
                    return pid.get();
                }
            }
            return null;
        }, pid -> pid != null);
    }

    @Test
    void aChildStoppedWithSigstopIsKilledAfterHangSecondsRetriedOnceAndThenFailsWithTimeout() throws Exception {
        try (LogCapture log = new LogCapture()) {
            String id = upload(media.longVideo(120));
            Set<Long> stopped = new HashSet<>();
            for (int attempt = 1; attempt <= 2; attempt++) {
                long child = busyChild(id, attempt, stopped);
                assertThat(Signals.send(child, "STOP")).isTrue();
                stopped.add(child);
            }
            JsonNode job = stack.api().awaitFinished(id, Duration.ofMinutes(2));

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
            long child = busyChild(id, 1, Set.of());
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
                job = stack.api().awaitFinished(id, Duration.ofMinutes(3));
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
