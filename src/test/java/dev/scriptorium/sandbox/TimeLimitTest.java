package dev.scriptorium.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job past its wall-clock limit is stopped by killing its child, tried once more on a fresh child, and then fails.
 * The limit here (6 s) is far below what 5 minutes of audio needs with the synthetic model (about 14 s) and far above
 * what a 5-second file needs (about 2 s).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TimeLimitTest {
    @TempDir
    static Path mediaDir;
    private TestStack stack;

    @BeforeAll
    void start() throws Exception {
        stack = TestStack.start(Map.of("JOB_TIMEOUT_FLOOR_SECONDS", "6", "JOB_TIMEOUT_CEILING_SECONDS", "6"));
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    private JsonNode uploadAndWait(Path file) throws Exception {
        ApiClient.Response response = stack.api().upload(file, Map.of("language", "en"));
        assertThat(response.status()).isEqualTo(202);
        return stack.api().awaitFinished(response.json().get("id").asText(), Duration.ofMinutes(2));
    }

    @Test
    void aJobPastItsTimeLimitIsTriedOnceMoreThenFailsWithTimeoutAndTheNextJobCompletes() throws Exception {
        TestMedia media = new TestMedia(mediaDir);
        JsonNode slow = uploadAndWait(media.longVideo(300));
        assertThat(slow.get("status").asText()).as(slow.toString()).isEqualTo("failed");
        assertThat(slow.get("failure_code").asText()).isEqualTo("timeout");
        assertThat(slow.get("failure_reason").asText()).contains("time limit of 6 s twice")
                .doesNotContain("JOB_TIMEOUT");
        assertThat(stack.application().jobs().attempts(UUID.fromString(slow.get("id").asText())))
                .extracting(attempt -> attempt.failureCode().orElse("none")).containsExactly("timeout", "timeout");
        assertThat(Files.exists(stack.dataDir().resolve("work").resolve(slow.get("id").asText()))).isFalse();

        JsonNode next = uploadAndWait(media.wav());
        assertThat(next.get("status").asText()).as(next.toString()).isEqualTo("completed");
    }
}
