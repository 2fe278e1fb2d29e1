package dev.scriptorium.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.access.ApiKeys;
import dev.scriptorium.database.Database;
import dev.scriptorium.sandbox.Sandbox;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Byte-identical media from the same key, with the same options, copies the earlier transcript. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContentReuseTest {
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    @TempDir
    static Path dir;
    private TestStack stack;
    private ApiClient api;
    private TestMedia media;
    private String key;

    @BeforeAll
    void start() throws Exception {
        stack = TestStack.start(Map.of());
        api = stack.api();
        media = new TestMedia(dir.resolve("media"));
        try (Database database = Database.open(stack.database().jdbcUrl(), stack.database().user(), null, 2)) {
            key = new ApiKeys(database.dataSource()).create("reuse-" + UUID.randomUUID().toString().substring(0, 8),
                    false).secret();
        }
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

    private long whisperRuns() throws Exception {
        return slot().childStats().get("transcriptions").asLong();
    }

    private JsonNode finished(Path file, Map<String, String> fields) throws Exception {
        ApiClient.Response accepted = api.upload(file, fields, key);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        JsonNode job = awaitFinished(accepted.json().get("id").asText());
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
        return job;
    }

    private JsonNode awaitFinished(String id) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            JsonNode job = send("GET", "/api/v1/jobs/" + id).json();
            String status = job.get("status").asText();
            if (status.equals("completed") || status.equals("failed") || status.equals("canceled")) {
                return job;
            }
            assertThat(System.nanoTime()).as("job %s to finish: %s", id, job).isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    private ApiClient.Response send(String method, String path) throws Exception {
        return api.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(stack.baseUrl() + path))
                .header("Authorization", "Bearer " + key)
                .method(method, java.net.http.HttpRequest.BodyPublishers.noBody()).build());
    }

    private JsonNode transcript(String id) throws Exception {
        return send("GET", "/api/v1/jobs/" + id + "/transcript?format=json").json();
    }

    @Test
    void theSecondIdenticalUploadCompletesWithoutWhisperAndAnEqualTranscript() throws Exception {
        Path file = media.wav("the second upload of this file is never transcribed");
        JsonNode first = finished(file, Map.of("language", "en"));
        long runs = whisperRuns();

        JsonNode second = finished(file, Map.of("language", "en"));

        assertThat(whisperRuns()).isEqualTo(runs);
        assertThat(second.get("reused_from").asText()).isEqualTo(first.get("id").asText());
        assertThat(first.get("reused_from").isNull()).isTrue();
        JsonNode original = transcript(first.get("id").asText());
        JsonNode copy = transcript(second.get("id").asText());
        assertThat(copy.get("text")).isEqualTo(original.get("text"));
        assertThat(copy.get("segments")).isEqualTo(original.get("segments"));
        assertThat(copy.get("language")).isEqualTo(original.get("language"));
    }

    @Test
    void deletingTheFirstJobLeavesTheSecondIntact() throws Exception {
        Path file = media.wav("deleting the original keeps the copy");
        JsonNode first = finished(file, Map.of());
        JsonNode second = finished(file, Map.of());
        assertThat(second.get("reused_from").asText()).isEqualTo(first.get("id").asText());
        JsonNode before = transcript(second.get("id").asText());

        ApiClient.Response deleted = send("DELETE", "/api/v1/jobs/" + first.get("id").asText());

        assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
        ApiClient.Response after = send("GET", "/api/v1/jobs/" + second.get("id").asText() + "/transcript?format=json");
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.json().get("segments")).isEqualTo(before.get("segments"));
        assertThat(stack.objects().exists("media/" + second.get("id").asText())).isTrue();
    }

    @Test
    void reuseFalseRunsWhisperAgain() throws Exception {
        Path file = media.wav("reuse false asks for a fresh transcript");
        finished(file, Map.of());
        long runs = whisperRuns();

        JsonNode again = finished(file, Map.of("reuse", "false"));

        assertThat(whisperRuns()).isEqualTo(runs + 1);
        assertThat(again.get("reused_from").isNull()).isTrue();
    }

    @Test
    void otherOptionsRunWhisperAgain() throws Exception {
        Path file = media.wav("other options are another request");
        finished(file, Map.of("language", "en"));
        long runs = whisperRuns();

        JsonNode other = finished(file, Map.of("language", "de"));

        assertThat(whisperRuns()).isEqualTo(runs + 1);
        assertThat(other.get("reused_from").isNull()).isTrue();
    }
}
