package dev.scriptorium.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.Patience;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestStack;
import dev.scriptorium.transcription.JobAttempt;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash in the middle of a file: the retry resumes from the chunks finished before it. Chunks of 60 s, so that a
 * file of two chunks is short to transcribe.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckpointResumeTest {
    @TempDir
    static Path mediaDir;
    private TestStack stack;
    private ApiClient api;
    private TestMedia media;

    @BeforeAll
    void start() throws Exception {
        stack = TestStack.start(Map.of("WORKER_SLOTS", "1", "CHUNK_SECONDS", "60"));
        api = stack.api();
        media = new TestMedia(mediaDir);
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    private Sandbox slot() {
        return stack.application().worker().orElseThrow().slots().orElseThrow().sandboxes().get(0);
    }

    @Test
    void aRetryAfterACrashMidFileResumesFromTheCheckpointAndDoesNotTranscribeFinishedChunksAgain() throws Exception {
        ApiClient.Response response = api.upload(media.longVideo(120), Map.of("language", "en"));
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        String id = response.json().get("id").asText();
        UUID jobId = UUID.fromString(id);
        await().atMost(Patience.forAudio(120)).pollInterval(Duration.ofMillis(100)).until(() ->
                stack.database().count("select count(*) from transcript_chunk where job_id = ?", jobId) == 1);

        ProcessHandle.of(slot().childPid().orElseThrow()).orElseThrow().destroyForcibly();

        JsonNode job = api.awaitFinished(id, Patience.forAudio(120 * 2));
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
        List<JobAttempt> attempts = stack.application().jobs().attempts(jobId);
        assertThat(attempts).extracting(JobAttempt::outcome).containsExactly("failed", "completed");
        assertThat(attempts.get(1).detail()).hasValueSatisfying(detail ->
                assertThat(detail).contains("2 chunks: 1 on this slot, 0 on other slots, 1 resumed from checkpoints"));
        assertThat(stack.database().count("select count(*) from transcript_chunk where job_id = ?", jobId)).isZero();
        JsonNode segments = api.get("/api/v1/jobs/" + id + "/transcript?format=json").json().get("segments");
        assertThat(segments.get(segments.size() - 1).get("end").asDouble()).isGreaterThan(110);
    }
}
