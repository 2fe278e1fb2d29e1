package dev.scriptorium.retention;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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

/** DELETE /api/v1/jobs/{id}, delete_after on upload, and the admin's legal hold, on a real stack. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobDeletionApiTest {
    private static final String ADMIN_TOKEN = "test-admin-token-0123456789";
    @TempDir
    static Path dir;
    private TestStack stack;
    private ApiClient api;
    private TestMedia media;

    @BeforeAll
    void start() throws Exception {
        stack = TestStack.start(Map.of("ADMIN_TOKEN", ADMIN_TOKEN));
        api = stack.api();
        media = new TestMedia(dir.resolve("media"));
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    private String completedJob(Map<String, String> fields) throws Exception {
        String id = api.upload(media.wav(), fields).json().get("id").asText();
        assertThat(api.awaitFinished(id, Duration.ofMinutes(2)).get("status").asText()).isEqualTo("completed");
        return id;
    }

    @Test
    void deletingAFinishedJobPurgesItsMediaTranscriptAndRecordAndAnswers204() throws Exception {
        String id = completedJob(Map.of());
        assertThat(stack.objects().exists("media/" + id)).isTrue();

        ApiClient.Response deleted = api.delete("/api/v1/jobs/" + id);

        assertThat(deleted.status()).isEqualTo(204);
        assertThat(api.get("/api/v1/jobs/" + id).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/jobs/" + id + "/transcript?format=txt").status()).isEqualTo(404);
        assertThat(stack.objects().exists("media/" + id)).isFalse();
        assertThat(stack.database().count("select count(*) from transcript where job_id = ?", UUID.fromString(id)))
                .isZero();
        assertThat(api.delete("/api/v1/jobs/" + id).status()).isEqualTo(404);
    }

    @Test
    void deletingAQueuedJobAnswers409AndSaysToCancelFirst() throws Exception {
        String id = api.upload(media.longVideo(120), Map.of()).json().get("id").asText();

        ApiClient.Response refused = api.delete("/api/v1/jobs/" + id);

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("error").get("message").asText()).contains("Cancel it first");
        assertThat(api.job(id).get("status").asText()).isIn("queued", "processing");
        assertThat(api.post("/api/v1/jobs/" + id + "/cancel").status()).isEqualTo(200);
        assertThat(api.delete("/api/v1/jobs/" + id).status()).isEqualTo(204);
    }

    @Test
    void aJobUnderLegalHoldCannotBeDeletedUntilTheHoldIsLifted() throws Exception {
        String id = completedJob(Map.of());
        String path = "/api/v1/admin/jobs/" + id + "/legal-hold";

        ApiClient.Response held = api.putJson(path, "{\"legal_hold\": true}", ADMIN_TOKEN);

        assertThat(held.status()).isEqualTo(200);
        assertThat(held.json().get("retention").get("legal_hold").asBoolean()).isTrue();
        ApiClient.Response refused = api.delete("/api/v1/jobs/" + id);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("error").get("code").asText()).isEqualTo("legal_hold");
        assertThat(api.putJson(path, "{\"legal_hold\": false}", ADMIN_TOKEN).status()).isEqualTo(200);
        assertThat(api.delete("/api/v1/jobs/" + id).status()).isEqualTo(204);
    }

    @Test
    void theAdminApiRefusesAMissingOrWrongToken() throws Exception {
        String path = "/api/v1/admin/jobs/" + UUID.randomUUID() + "/legal-hold";

        assertThat(api.putJson(path, "{\"legal_hold\": true}", null).status()).isEqualTo(401);
        assertThat(api.putJson(path, "{\"legal_hold\": true}", "wrong-token-0123456789").status()).isEqualTo(401);
        assertThat(api.putJson(path, "{\"legal_hold\": true}", ADMIN_TOKEN).status()).isEqualTo(404);
    }

    @Test
    void deleteAfterIsRecordedOnTheJobAndABadValueIsA400ThatSaysWhatToSend() throws Exception {
        String id = completedJob(Map.of("delete_after", "3600"));
        JsonNode job = api.job(id);
        assertThat(job.get("retention").get("delete_after_seconds").asLong()).isEqualTo(3600);

        ApiClient.Response bad = api.upload(media.wav(), Map.of("delete_after", "soon"));

        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").get("message").asText()).contains("delete_after must be a whole number");
    }
}
