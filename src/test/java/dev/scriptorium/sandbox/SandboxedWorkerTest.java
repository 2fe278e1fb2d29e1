package dev.scriptorium.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.Patience;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestStack;
import dev.scriptorium.transcription.JobAttempt;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
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
 * The worker's native work runs in a supervised child process: killing it, or stopping it for a cancel, fails or
 * ends only the job in hand, and the parent keeps serving. Real child processes, real whisper-jni, synthetic model.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SandboxedWorkerTest {
    @TempDir
    static Path mediaDir;
    private TestStack stack;
    private ApiClient api;
    private TestMedia media;

    @BeforeAll
    void start() throws Exception {
        stack = TestStack.start(Map.of("WORKER_SLOTS", "1"));
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

    private String upload(Path file) throws Exception {
        ApiClient.Response response = api.upload(file, Map.of("language", "en"));
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        return response.json().get("id").asText();
    }

    private void awaitStage(String id, String stage) {
        await().atMost(Patience.forSteps()).pollInterval(Duration.ofMillis(100))
                .until(() -> stage.equals(api.job(id).path("stage").asText()));
    }

    private ApiClient.Response cancel(String id) throws Exception {
        return api.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api/v1/jobs/" + id + "/cancel"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    @Test
    void killingTheChildMidJobGivesWorkerCrashedThenOneRetryThenCompletedWithOneTranscript() throws Exception {
        String id = upload(media.longVideo(120));
        awaitStage(id, "transcribing");
        long childPid = slot().childPid().orElseThrow();
        int startsBefore = slot().starts();

        ProcessHandle.of(childPid).orElseThrow().destroyForcibly();

        JsonNode job = api.awaitFinished(id, Patience.forAudio(120 * 2));
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
        assertThat(job.get("attempts").asInt()).isEqualTo(2);
        List<JobAttempt> attempts = stack.application().jobs().attempts(UUID.fromString(id));
        assertThat(attempts).extracting(JobAttempt::outcome).containsExactly("failed", "completed");
        assertThat(attempts.get(0).failureCode()).contains("worker_crashed");
        assertThat(attempts.get(0).detail().orElseThrow()).contains("signal 9");
        assertThat(stack.database().count("select count(*) from transcript where job_id = ?", UUID.fromString(id)))
                .isEqualTo(1);
        assertThat(slot().starts()).isGreaterThan(startsBefore);
        assertThat(slot().childPid()).isPresent().get().isNotEqualTo(childPid);
        assertThat(api.get("/healthz").status()).isEqualTo(200);
    }

    @Test
    void cancelingARunningJobAbortsWhisperAndTheSameChildServesTheNextJobWithoutReloadingTheModel()
            throws Exception {
        String running = upload(media.longVideo(300));
        String queued = upload(media.longVideo(60));
        await().atMost(Patience.forAudio(300)).pollInterval(Duration.ofMillis(100))
                .until(() -> api.job(running).get("progress").get("processed_seconds").asDouble() > 0);
        long childPid = slot().childPid().orElseThrow();
        long canceledAt = System.currentTimeMillis();
        assertThat(api.job(queued).get("status").asText()).isEqualTo("queued");

        ApiClient.Response canceledQueued = cancel(queued);
        assertThat(canceledQueued.status()).isEqualTo(200);
        assertThat(canceledQueued.json().get("status").asText()).isEqualTo("canceled");

        ApiClient.Response canceledRunning = cancel(running);
        assertThat(canceledRunning.status()).isEqualTo(200);
        assertThat(canceledRunning.json().get("status").asText()).isEqualTo("canceled");
        Path work = stack.dataDir().resolve("work");
        await().atMost(Duration.ofSeconds(15)).until(() -> !Files.exists(work.resolve(running)));
        assertThat(api.job(running).get("status").asText()).isEqualTo("canceled");
        assertThat(api.job(queued).get("status").asText()).isEqualTo("canceled");
        assertThat(stack.database().count("select count(*) from transcript where job_id in (?, ?)",
                UUID.fromString(running), UUID.fromString(queued))).isZero();

        JsonNode next = api.awaitFinished(upload(media.wav()), Patience.forAudio(10));
        assertThat(next.get("status").asText()).isEqualTo("completed");
        assertThat(slot().childPid()).contains(childPid);
        JsonNode stats = slot().childStats();
        assertThat(stats.get("pid").asLong()).isEqualTo(childPid);
        assertThat(stats.get("model_loaded_at_ms").asLong()).isLessThan(canceledAt);
        assertThat(stats.get("aborts").asInt()).isPositive();
        assertThat(cancel(next.get("id").asText()).status()).isEqualTo(409);
    }

    @Test
    void aFileOfOneChunkShowsProgressMovingInsideTheChunk() throws Exception {
        String id = upload(media.longVideo(150));
        java.util.Set<Double> percents = new java.util.TreeSet<>();
        await().atMost(Patience.forAudio(150)).pollInterval(Duration.ofMillis(50)).until(() -> {
            JsonNode job = api.job(id);
            percents.add(job.get("progress").get("percent").asDouble());
            return job.get("status").asText().equals("completed");
        });
        List<JobAttempt> attempts = stack.application().jobs().attempts(UUID.fromString(id));
        assertThat(attempts.get(attempts.size() - 1).detail().orElse("")).startsWith("1 chunks:");
        assertThat(percents.stream().filter(percent -> percent > 0 && percent < 100).count())
                .as(percents.toString()).isGreaterThanOrEqualTo(3);
    }
}
