package dev.scriptorium.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scriptorium.access.ApiKeys;
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
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/** POST /api/v1/jobs with an Idempotency-Key: safe to retry after a timeout, on real PostgreSQL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdempotentSubmitTest {
    @TempDir
    static Path dir;
    private TestStack stack;
    private ApiClient api;
    private Path media;

    @BeforeAll
    void start() throws Exception {
        stack = TestStack.start(Map.of());
        api = stack.api();
        media = new TestMedia(dir.resolve("media")).wav();
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    private ApiClient.Response submit(String key, String language) throws Exception {
        return api.upload(media, "talk.wav", Map.of("language", language), null, Map.of("Idempotency-Key", key));
    }

    private long jobs() throws Exception {
        return stack.database().count("select count(*) from transcription_job");
    }

    @Test
    void aRepeatWithTheSameKeyAnswersTheFirstJobWith200AndMakesNoOther() throws Exception {
        String key = UUID.randomUUID().toString();
        ApiClient.Response first = submit(key, "en");
        long afterFirst = jobs();

        ApiClient.Response again = submit(key, "en");

        assertThat(first.status()).isEqualTo(202);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().get("id").asText()).isEqualTo(first.json().get("id").asText());
        assertThat(again.header("Location")).isEqualTo(first.header("Location"));
        assertThat(jobs()).isEqualTo(afterFirst);
    }

    @Test
    void aCallerFindsTheJobOfItsKeyWithoutSendingTheMediaAgain() throws Exception {
        String key = UUID.randomUUID().toString();
        ApiClient.Response first = submit(key, "en");
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(stack.database().jdbcUrl());
        dataSource.setUser(stack.database().user());
        String otherCaller = new ApiKeys(dataSource).create("other-" + key.substring(0, 8), false).secret();

        ApiClient.Response found = api.get("/api/v1/jobs?idempotency_key=" + key);
        ApiClient.Response unknown = api.get("/api/v1/jobs?idempotency_key=" + UUID.randomUUID());
        ApiClient.Response notTheirs = api.send(HttpRequest.newBuilder(URI.create(stack.baseUrl()
                + "/api/v1/jobs?idempotency_key=" + key)).header("Authorization", "Bearer " + otherCaller).build());
        ApiClient.Response empty = api.get("/api/v1/jobs?idempotency_key=");

        assertThat(found.status()).as(found.body()).isEqualTo(200);
        assertThat(found.json().get("jobs")).hasSize(1);
        assertThat(found.json().at("/jobs/0/id").asText()).isEqualTo(first.json().get("id").asText());
        assertThat(unknown.json().get("jobs")).isEmpty();
        assertThat(notTheirs.status()).isEqualTo(200);
        assertThat(notTheirs.json().get("jobs")).isEmpty();
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().at("/error/code").asText()).isEqualTo("invalid_idempotency_key");
    }

    @Test
    void theSameKeyWithAnotherRequestIs422ThatSaysSo() throws Exception {
        String key = UUID.randomUUID().toString();
        submit(key, "en");

        ApiClient.Response other = submit(key, "de");

        assertThat(other.status()).isEqualTo(422);
        assertThat(other.json().at("/error/code").asText()).isEqualTo("idempotency_key_reused");
        assertThat(other.json().at("/error/message").asText()).contains(key).contains("different request");
    }

    @Test
    void twentyConcurrentRequestsWithOneKeyMakeExactlyOneJob() throws Exception {
        String key = UUID.randomUUID().toString();
        long before = jobs();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<ApiClient.Response>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Callable<ApiClient.Response> request = () -> submit(key, "en");
                answers.add(pool.submit(request));
            }
            List<String> ids = new ArrayList<>();
            for (Future<ApiClient.Response> answer : answers) {
                ApiClient.Response response = answer.get();
                assertThat(response.status()).as(response.body()).isIn(200, 202);
                ids.add(response.json().get("id").asText());
            }
            assertThat(ids).containsOnly(ids.get(0));
        } finally {
            pool.shutdown();
        }
        assertThat(jobs()).isEqualTo(before + 1);
    }

    @Test
    void aKeyOlderThan24HoursNamesANewJob() throws Exception {
        String key = UUID.randomUUID().toString();
        String first = submit(key, "en").json().get("id").asText();
        stack.database().execute("update idempotent_submit set created_at = now() - interval '25 hours'"
                + " where idempotency_key = ?", key);

        ApiClient.Response later = submit(key, "de");

        assertThat(later.status()).isEqualTo(202);
        assertThat(later.json().get("id").asText()).isNotEqualTo(first);
    }
}
