package dev.scriptorium.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.scriptorium.testing.WebhookReceiver.Delivery;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The webhook receiver and the Standard Webhooks reference library behind it, fed messages signed here by a few lines
 * of javax.crypto written from the specification (not by Scriptorium's signer): what the webhook tests rely on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookReceiverTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String secret = newSecret();
    private WebhookReceiver receiver;

    @BeforeAll
    void start() throws Exception {
        receiver = WebhookReceiver.start();
    }

    @AfterAll
    void stop() throws Exception {
        if (receiver != null) {
            receiver.close();
        }
    }

    /** "whsec_" + base64 of a random 24-byte key, as the specification writes a secret. */
    private static String newSecret() {
        byte[] key = new byte[24];
        new SecureRandom().nextBytes(key);
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    /**
     * Test-only, independent of Scriptorium's signer: "v1," + base64(HMAC-SHA256(key, "id.timestamp.body")), the key
     * being the base64 after "whsec_".
     */
    private static String signLikeTheSpec(String secret, String id, long timestamp, String body) throws Exception {
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        byte[] digest = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
        return "v1," + Base64.getEncoder().encodeToString(digest);
    }

    private HttpResponse<String> post(String path, String id, long timestamp, String signature, String body)
            throws Exception {
        return http.send(HttpRequest.newBuilder(receiver.url(path)).timeout(WAIT)
                        .header("Content-Type", "application/json").header("webhook-id", id)
                        .header("webhook-timestamp", Long.toString(timestamp)).header("webhook-signature", signature)
                        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> signedPost(String path, String body) throws Exception {
        String id = "msg_" + UUID.randomUUID();
        long now = System.currentTimeMillis() / 1000;
        return post(path, id, now, signLikeTheSpec(secret, id, now, body), body);
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aCorrectlySignedPostIsRecordedVerified() throws Exception {
        String path = "/ok/" + unique("a");
        String id = "msg_" + UUID.randomUUID();
        long now = System.currentTimeMillis() / 1000;
        String body = "{\"type\":\"job.completed\",\"data\":{\"text\":\"Grüße, scribe\"}}";

        int status = post(path, id, now, signLikeTheSpec(secret, id, now, body), body).statusCode();

        assertThat(status).isEqualTo(200);
        Delivery delivery = receiver.awaitDeliveries(secret, path, 1, WAIT).get(0);
        assertThat(delivery.verified()).as(delivery.toString()).isTrue();
        assertThat(delivery.verifyError()).isNull();
        assertThat(delivery.path()).isEqualTo(path);
        assertThat(delivery.id()).isEqualTo(id);
        assertThat(delivery.timestamp()).isEqualTo(Long.toString(now));
        assertThat(delivery.body()).isEqualTo(body);
        assertThat(delivery.payload().at("/data/text").asText()).isEqualTo("Grüße, scribe");
        assertThat(delivery.answered()).isEqualTo(200);
        assertThat(delivery.receivedAtMillis()).isCloseTo(System.currentTimeMillis(), Offset.offset(WAIT.toMillis()));
    }

    @Test
    void aBodyChangedAfterSigningIsRecordedNotVerified() throws Exception {
        String path = "/ok/" + unique("tampered");
        String id = "msg_" + UUID.randomUUID();
        long now = System.currentTimeMillis() / 1000;
        String signature = signLikeTheSpec(secret, id, now, "{\"type\":\"job.completed\"}");

        post(path, id, now, signature, "{\"type\":\"job.failed\"}");

        Delivery delivery = receiver.awaitDeliveries(secret, path, 1, WAIT).get(0);
        assertThat(delivery.verified()).as(delivery.toString()).isFalse();
        assertThat(delivery.verifyError()).isNotBlank();
    }

    @Test
    void failAnswers500ToTheFirstNRequestsThen200() throws Exception {
        String path = "/fail/2/" + unique("x");
        List<Integer> statuses = new ArrayList<>();

        for (int i = 0; i < 3; i++) {
            statuses.add(signedPost(path, "{\"attempt\":" + i + "}").statusCode());
        }

        assertThat(statuses).containsExactly(500, 500, 200);
        assertThat(receiver.awaitDeliveries(secret, path, 3, WAIT)).extracting(Delivery::answered)
                .containsExactly(500, 500, 200);
    }

    @Test
    void statusAlwaysAnswersThatStatus() throws Exception {
        String path = "/status/410/" + unique("x");

        assertThat(signedPost(path, "{}").statusCode()).isEqualTo(410);
        assertThat(signedPost(path, "{}").statusCode()).isEqualTo(410);
    }

    @Test
    void redirectAnswers302WithTheLocationAsked() throws Exception {
        String to = "http://127.0.0.1:9/elsewhere?x=1";
        String path = "/redirect/" + unique("r");

        HttpResponse<String> response = signedPost(path + "?to=" + URLEncoder.encode(to, StandardCharsets.UTF_8),
                "{}");

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).hasValue(to);
        assertThat(receiver.awaitDeliveries(secret, path, 1, WAIT).get(0).answered()).isEqualTo(302);
    }

    @Test
    void hangNeverAnswersAndIsRecordedUnanswered() throws Exception {
        String path = "/hang/" + unique("h");
        HttpRequest request = HttpRequest.newBuilder(receiver.url(path)).timeout(Duration.ofSeconds(1))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();

        Throwable thrown = catchThrowable(
                () -> http.send(request, HttpResponse.BodyHandlers.ofString()));

        assertThat(thrown).isInstanceOf(HttpTimeoutException.class);
        assertThat(receiver.awaitDeliveries(secret, path, 1, WAIT).get(0).answered()).isZero();
    }

    @Test
    void resetForgetsTheRecordsAndTheFailCounts() throws Exception {
        try (WebhookReceiver own = WebhookReceiver.start()) {
            URI fail = own.url("/fail/1/x");
            HttpRequest request = HttpRequest.newBuilder(fail).timeout(WAIT).POST(HttpRequest.BodyPublishers.noBody())
                    .build();
            assertThat(http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(500);

            own.reset();

            assertThat(own.deliveries(secret)).isEmpty();
            assertThat(http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(500);
            assertThat(own.deliveries(secret)).hasSize(1);
        }
    }

    @Test
    void urlIsTheReceiversLoopbackAddressAndPath() {
        URI url = receiver.url("/ok/x");

        assertThat(url.getScheme()).isEqualTo("http");
        assertThat(url.getHost()).isEqualTo("127.0.0.1");
        assertThat(url.getPort()).isPositive();
        assertThat(url.getPath()).isEqualTo("/ok/x");
    }
}
