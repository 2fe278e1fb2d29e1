package dev.scriptorium.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.access.ApiKeys;
import dev.scriptorium.database.Database;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.ApiContract;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestStack;
import dev.scriptorium.testing.WebhookReceiver;
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
 * Job events delivered to a receiver on 127.0.0.1 that checks every delivery with the Standard Webhooks reference
 * library (npm standardwebhooks 1.1.1), not with the project's own signer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookDeliveryTest {
    private static final String ADMIN_TOKEN = "test-admin-token-0123456789";
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    @TempDir
    static Path dir;
    private final String anonymousSecret = WebhookSignature.newSecret();
    private TestStack stack;
    private ApiClient api;
    private WebhookReceiver receiver;
    private TestMedia media;

    @BeforeAll
    void start() throws Exception {
        receiver = WebhookReceiver.start();
        // The receiver listens on loopback, which the guard refuses unless told otherwise.
        stack = TestStack.start(Map.of("WEBHOOK_SECRET", anonymousSecret, "OUTBOUND_ALLOW_PRIVATE", "127.0.0.1/32",
                "WEBHOOK_RETRY_DELAYS", "1s,1s,1s", "ADMIN_TOKEN", ADMIN_TOKEN));
        api = stack.api();
        media = new TestMedia(dir.resolve("media"));
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    private String submit(Path file, String path) throws Exception {
        ApiClient.Response accepted = api.upload(file, Map.of("webhook_url", receiver.url(path).toString()));
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        return accepted.json().get("id").asText();
    }

    private static String unique(String prefix) {
        return prefix + UUID.randomUUID();
    }

    @Test
    void aCompletedJobDeliversJobCompletedOnceSignedAsTheSpecificationSays() throws Exception {
        String path = unique("/ok/completed-");
        String id = submit(media.wav(), path);
        api.awaitFinished(id, PATIENCE);

        List<WebhookReceiver.Delivery> received = receiver.awaitDeliveries(anonymousSecret, path, 1, PATIENCE);
        Thread.sleep(3000);

        assertThat(receiver.deliveries(anonymousSecret, path)).hasSize(1);
        WebhookReceiver.Delivery delivery = received.get(0);
        assertThat(delivery.verified()).as(delivery.verifyError()).isTrue();
        assertThat(delivery.payload().get("type").asText()).isEqualTo("job.completed");
        assertThat(delivery.payload().get("timestamp").asText()).isNotBlank();
        JsonNode data = delivery.payload().get("data");
        assertThat(data.get("id").asText()).isEqualTo(id);
        assertThat(data.get("status").asText()).isEqualTo("completed");
        assertThat(data.at("/links/self").asText()).isEqualTo("/api/v1/jobs/" + id);
        assertThat(data.has("segments") || data.has("text")).as("no transcript body").isFalse();
        ApiContract.checkSchema("WebhookEvent", delivery.body());
    }

    @Test
    void aFailedJobDeliversJobFailedWithItsFailureCode() throws Exception {
        Path notMedia = Files.writeString(dir.resolve("notes.txt"), "these are notes, not a recording\n");
        String path = unique("/ok/failed-");
        String id = submit(notMedia, path);
        api.awaitFinished(id, PATIENCE);

        WebhookReceiver.Delivery delivery = receiver.awaitDeliveries(anonymousSecret, path, 1, PATIENCE).get(0);
        Thread.sleep(3000);

        assertThat(receiver.deliveries(anonymousSecret, path)).hasSize(1);
        assertThat(delivery.verified()).as(delivery.verifyError()).isTrue();
        assertThat(delivery.payload().get("type").asText()).isEqualTo("job.failed");
        assertThat(delivery.payload().at("/data/failure_code").asText()).isEqualTo("unsupported_format");
        ApiContract.checkSchema("WebhookEvent", delivery.body());
    }

    @Test
    void aCanceledJobDeliversJobCanceled() throws Exception {
        String path = unique("/ok/canceled-");
        String id = submit(media.tone(600), path);
        ApiClient.Response canceled = api.post("/api/v1/jobs/" + id + "/cancel");
        assertThat(canceled.status()).as(canceled.body()).isEqualTo(200);

        WebhookReceiver.Delivery delivery = receiver.awaitDeliveries(anonymousSecret, path, 1, PATIENCE).get(0);
        Thread.sleep(3000);

        assertThat(receiver.deliveries(anonymousSecret, path)).hasSize(1);
        assertThat(delivery.verified()).as(delivery.verifyError()).isTrue();
        assertThat(delivery.payload().get("type").asText()).isEqualTo("job.canceled");
        assertThat(delivery.payload().at("/data/id").asText()).isEqualTo(id);
        ApiContract.checkSchema("WebhookEvent", delivery.body());
    }

    @Test
    void aReceiverThatAnswers500TwiceGetsTheEventThreeTimesWithOneWebhookId() throws Exception {
        String path = unique("/fail/2/retry-");
        String id = submit(media.wav(), path);

        List<WebhookReceiver.Delivery> received = receiver.awaitDeliveries(anonymousSecret, path, 3, PATIENCE);
        JsonNode log = awaitLog(id, "delivered");

        assertThat(received).extracting(WebhookReceiver.Delivery::answered).containsExactly(500, 500, 200);
        assertThat(received).extracting(WebhookReceiver.Delivery::id).containsOnly(received.get(0).id());
        assertThat(received).allMatch(WebhookReceiver.Delivery::verified);
        assertThat(received).extracting(WebhookReceiver.Delivery::body).containsOnly(received.get(0).body());
        assertThat(log.get("id").asText()).isEqualTo(received.get(0).id());
        assertThat(log.get("attempts")).hasSize(3);
        assertThat(log.get("attempts").findValuesAsText("status_code")).containsExactly("500", "500", "200");
    }

    @Test
    void aReceiverThatNeverAnswersIsCutOffAfterTenSecondsAndTheAttemptIsLogged() throws Exception {
        String path = unique("/hang/slow-");
        String id = submit(media.wav(), path);

        receiver.awaitDeliveries(anonymousSecret, path, 1, PATIENCE);
        JsonNode first = awaitAttempt(id);

        assertThat(first.get("status_code").isNull()).isTrue();
        assertThat(first.get("error").asText()).contains("10 s");
        assertThat(first.get("latency_ms").asLong()).isBetween(9_000L, 30_000L);
    }

    @Test
    void anAdminRedeliveryResendsTheEventWithTheSameWebhookId() throws Exception {
        String path = unique("/ok/redeliver-");
        String id = submit(media.wav(), path);
        WebhookReceiver.Delivery first = receiver.awaitDeliveries(anonymousSecret, path, 1, PATIENCE).get(0);
        String deliveryId = awaitLog(id, "delivered").get("id").asText();

        ApiClient.Response redelivered = api.send(HttpRequest.newBuilder(URI.create(stack.baseUrl()
                        + "/api/v1/admin/jobs/" + id + "/webhooks/" + deliveryId + "/redeliver"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build());
        List<WebhookReceiver.Delivery> received = receiver.awaitDeliveries(anonymousSecret, path, 2, PATIENCE);

        assertThat(redelivered.status()).as(redelivered.body()).isEqualTo(202);
        assertThat(received.get(1).id()).isEqualTo(first.id()).isEqualTo(deliveryId);
        assertThat(received.get(1).body()).isEqualTo(first.body());
        assertThat(received.get(1).verified()).as(received.get(1).verifyError()).isTrue();
        JsonNode log = awaitLogAttempts(id, 2);
        assertThat(log.get("attempts").get(1).get("manual").asBoolean()).isTrue();
    }

    @Test
    void aKeysDefaultUrlReceivesItsJobsSignedWithTheKeysOwnSecret() throws Exception {
        String path = unique("/ok/key-default-");
        ApiKeys.Created key;
        try (Database database = Database.open(stack.database().jdbcUrl(), stack.database().user(), null, 2)) {
            key = new ApiKeys(database.dataSource()).create("hooks-" + UUID.randomUUID().toString().substring(0, 8),
                    false, java.util.Optional.of(receiver.url(path)));
        }
        ApiClient.Response accepted = api.upload(media.wav(), Map.of(), key.secret());
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);

        WebhookReceiver.Delivery delivery = receiver.awaitDeliveries(key.webhookSecret(), path, 1, PATIENCE).get(0);

        assertThat(delivery.verified()).as(delivery.verifyError()).isTrue();
        assertThat(receiver.deliveries(anonymousSecret, path).get(0).verified()).isFalse();
        assertThat(delivery.payload().at("/data/id").asText()).isEqualTo(accepted.json().get("id").asText());
    }

    @Test
    void aWebhookUrlTheGuardRefusesIsA400ThatSaysWhy() throws Exception {
        ApiClient.Response refused = api.upload(media.wav(), Map.of("webhook_url",
                "http://169.254.169.254/latest/meta-data/"));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().at("/error/code").asText()).isEqualTo("invalid_webhook_url");
        assertThat(refused.json().at("/error/message").asText()).contains("link-local");
    }

    /** The job's only event, once it has the given status. */
    private JsonNode awaitLog(String jobId, String status) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            JsonNode deliveries = api.get("/api/v1/jobs/" + jobId + "/webhooks").json().get("deliveries");
            if (deliveries.size() == 1 && deliveries.get(0).get("status").asText().equals(status)) {
                return deliveries.get(0);
            }
            assertThat(System.nanoTime()).as("event of job %s %s: %s", jobId, status, deliveries)
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private JsonNode awaitLogAttempts(String jobId, int attempts) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            JsonNode deliveries = api.get("/api/v1/jobs/" + jobId + "/webhooks").json().get("deliveries");
            if (deliveries.size() == 1 && deliveries.get(0).get("attempts").size() >= attempts) {
                return deliveries.get(0);
            }
            assertThat(System.nanoTime()).as("%d attempts of job %s's event: %s", attempts, jobId, deliveries)
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private JsonNode awaitAttempt(String jobId) throws Exception {
        return awaitLogAttempts(jobId, 1).get("attempts").get(0);
    }
}
