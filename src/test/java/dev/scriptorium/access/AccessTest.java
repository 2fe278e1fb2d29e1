package dev.scriptorium.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestStack;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/** API keys, who sees which job, admin keys, and rate limits, on a stack without anonymous access. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessTest {
    private static final int UPLOADS_PER_MINUTE = 3;
    private static final int REQUESTS_PER_MINUTE = 40;
    @TempDir
    static Path dir;
    private TestStack stack;
    private ApiKeys keys;
    private TestMedia media;

    @BeforeAll
    void start() throws Exception {
        stack = TestStack.start(Map.of("ANONYMOUS_ACCESS", "false",
                "RATE_LIMIT_UPLOADS_PER_MINUTE", String.valueOf(UPLOADS_PER_MINUTE),
                "RATE_LIMIT_REQUESTS_PER_MINUTE", String.valueOf(REQUESTS_PER_MINUTE)));
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(stack.database().jdbcUrl());
        dataSource.setUser(stack.database().user());
        keys = new ApiKeys(dataSource);
        media = new TestMedia(dir.resolve("media"));
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    private String key(boolean admin) throws Exception {
        return keys.create("key-" + UUID.randomUUID().toString().substring(0, 8), admin).secret();
    }

    private ApiClient.Response get(String path, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.baseUrl() + path));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return stack.api().send(request.build());
    }

    private String upload(String key) throws Exception {
        ApiClient.Response accepted = stack.api().upload(media.wav(), Map.of(), key);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        return accepted.json().get("id").asText();
    }

    @Test
    void withoutAnonymousAccessARequestWithoutAKeyAnswers401SayingHowToGetOne() throws Exception {
        ApiClient.Response refused = get("/api/v1/jobs", null);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().get("error").get("message").asText()).contains("keys create");
        assertThat(get("/api/v1/jobs", "sk_not-a-real-key").status()).isEqualTo(401);
        assertThat(get("/api/v1/status", null).status()).isEqualTo(200);
    }

    @Test
    void anotherClientsJobAnswers404AndIsNotListedButAnAdminSeesIt() throws Exception {
        String owner = key(false);
        String other = key(false);
        String id = upload(owner);

        assertThat(get("/api/v1/jobs/" + id, owner).status()).isEqualTo(200);
        assertThat(get("/api/v1/jobs/" + id, other).status()).isEqualTo(404);
        assertThat(get("/api/v1/jobs/" + id + "/transcript?format=txt", other).status()).isEqualTo(404);
        assertThat(get("/api/v1/jobs", other).json().get("jobs")).isEmpty();
        assertThat(get("/api/v1/jobs", owner).json().get("jobs").get(0).get("id").asText()).isEqualTo(id);
        assertThat(get("/api/v1/jobs?ids=" + id, other).json().get("jobs")).isEmpty();
        assertThat(get("/api/v1/jobs?ids=" + id, owner).json().get("jobs").get(0).get("id").asText()).isEqualTo(id);
        ApiClient.Response events = get("/api/v1/jobs/" + id + "/events", other);
        assertThat(events.status()).isEqualTo(404);
        assertThat(events.json().at("/error/code").asText()).isEqualTo("not_found");
        assertThat(get("/api/v1/jobs/" + id, key(true)).status()).isEqualTo(200);
    }

    @Test
    void aMissingOrNonAdminOrRevokedKeyAnswers401OnTheAdminApi() throws Exception {
        String path = "/api/v1/admin/jobs/" + UUID.randomUUID() + "/legal-hold";
        String user = key(false);
        String revokedName = "revoked-" + UUID.randomUUID().toString().substring(0, 8);
        String revoked = keys.create(revokedName, true).secret();
        keys.revoke(revokedName);

        assertThat(stack.api().putJson(path, "{\"legal_hold\": true}", null).status()).isEqualTo(401);
        assertThat(stack.api().putJson(path, "{\"legal_hold\": true}", user).status()).isEqualTo(401);
        assertThat(stack.api().putJson(path, "{\"legal_hold\": true}", revoked).status()).isEqualTo(401);
        assertThat(stack.api().putJson(path, "{\"legal_hold\": true}", key(true)).status()).isEqualTo(404);
    }

    @Test
    void goingOverTheUploadLimitAnswers429WithRetryAfter() throws Exception {
        String key = key(false);
        List<Integer> statuses = new ArrayList<>();
        ApiClient.Response last = null;
        // A minute boundary may reset the window once; twice the limit plus one always crosses it.
        for (int i = 0; i < UPLOADS_PER_MINUTE * 2 + 1 && !statuses.contains(429); i++) {
            last = stack.api().upload(media.wav(), Map.of(), key);
            statuses.add(last.status());
        }
        assertThat(statuses).contains(429);
        assertThat(Integer.parseInt(last.header("Retry-After"))).isBetween(1, 60);
        assertThat(last.json().get("error").get("code").asText()).isEqualTo("rate_limited");
    }

    @Test
    void goingOverTheRequestLimitAnswers429WithRetryAfterAndOtherClientsAreNotAffected() throws Exception {
        String busy = key(false);
        ApiClient.Response last = null;
        for (int i = 0; i < REQUESTS_PER_MINUTE * 2 + 1; i++) {
            last = get("/api/v1/jobs", busy);
            if (last.status() == 429) {
                break;
            }
        }
        assertThat(last.status()).isEqualTo(429);
        assertThat(last.header("Retry-After")).isNotBlank();
        assertThat(get("/api/v1/jobs", key(false)).status()).isEqualTo(200);
    }
}
