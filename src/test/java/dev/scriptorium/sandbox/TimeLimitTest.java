package dev.scriptorium.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.Signals;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job past its wall-clock limit is stopped by killing its child, tried once more on a fresh child, and then fails.
 * The slow job is made endless whatever the machine's speed: its children are stopped (SIGSTOP), and the hang watch
 * is set far beyond the limit, so only the wall clock can end them. The limit (20 s) is still ten times what the
 * next, 5-second file needs here (about 2 s), so a machine five times slower passes too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TimeLimitTest {
    private static final int LIMIT_SECONDS = 20;
    @TempDir
    static Path mediaDir;
    private TestStack stack;

    @BeforeAll
    void start() throws Exception {
        stack = TestStack.start(Map.of("JOB_TIMEOUT_FLOOR_SECONDS", String.valueOf(LIMIT_SECONDS),
                "JOB_TIMEOUT_CEILING_SECONDS", String.valueOf(LIMIT_SECONDS), "HANG_SECONDS", "3600"));
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    private String upload(Path file) throws Exception {
        ApiClient.Response response = stack.api().upload(file, Map.of("language", "en"));
        assertThat(response.status()).isEqualTo(202);
        return response.json().get("id").asText();
    }

    /** Stops the child of each attempt as soon as it has the job, so that neither can ever finish. */
    private void stopEveryAttemptsChild(String jobId) throws Exception {
        Set<Long> stopped = new HashSet<>();
        for (int attempt = 1; attempt <= 2; attempt++) {
            long child = BusyChild.of(stack, jobId, attempt, stopped);
            assertThat(Signals.send(child, "STOP")).isTrue();
            stopped.add(child);
        }
    }

    @Test
    void aJobPastItsTimeLimitIsTriedOnceMoreThenFailsWithTimeoutAndTheNextJobCompletes() throws Exception {
        TestMedia media = new TestMedia(mediaDir);
        String slowId = upload(media.longVideo(300));
        stopEveryAttemptsChild(slowId);
        JsonNode slow = stack.api().awaitFinished(slowId, Duration.ofSeconds(LIMIT_SECONDS * 2 + 120));
        assertThat(slow.get("status").asText()).as(slow.toString()).isEqualTo("failed");
        assertThat(slow.get("failure_code").asText()).isEqualTo("timeout");
        assertThat(slow.get("failure_reason").asText()).contains("time limit of " + LIMIT_SECONDS + " s twice")
                .doesNotContain("JOB_TIMEOUT");
        assertThat(stack.application().jobs().attempts(UUID.fromString(slow.get("id").asText())))
                .extracting(attempt -> attempt.failureCode().orElse("none")).containsExactly("timeout", "timeout");
        assertThat(Files.exists(stack.dataDir().resolve("work").resolve(slow.get("id").asText()))).isFalse();

        JsonNode next = stack.api().awaitFinished(upload(media.wav()), Duration.ofMinutes(3));
        assertThat(next.get("status").asText()).as(next.toString()).isEqualTo("completed");
    }
}
