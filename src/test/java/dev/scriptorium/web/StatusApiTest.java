package dev.scriptorium.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scriptorium.embedded.EmbeddedRedis;
import dev.scriptorium.status.JobEvents;
import dev.scriptorium.testing.ApiContract;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.Patience;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * Job status through the Redis cache and bus, on a stack with a Redis of its own that the last test stops: cache
 * and database agree, ETags, long polls, Server-Sent Events, and correct answers without Redis.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatusApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    private EmbeddedRedis redis;
    private TestStack stack;
    private ApiClient api;
    private TestMedia media;

    @BeforeAll
    void start() throws Exception {
        redis = EmbeddedRedis.start(dir.resolve("redis"));
        stack = TestStack.start(Map.of("REDIS_URL", redis.url().toString(), "WORKER_SLOTS", "1"));
        api = stack.api();
        media = new TestMedia(dir.resolve("media"));
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
        redis.close();
    }

    private String completedJob() throws Exception {
        String id = api.upload(media.wav(), Map.of()).json().get("id").asText();
        assertThat(api.awaitFinished(id, Patience.forAudio(10)).get("status").asText()).isEqualTo("completed");
        return id;
    }

    @Test
    @Order(1)
    void statusFromTheCacheEqualsStatusFromTheDatabase() throws Exception {
        String id = completedJob();
        String cached;
        try (RedisClient client = RedisClient.create(redis.url())) {
            cached = client.get(JobEvents.statusKey(UUID.fromString(id)));
            assertThat(cached).isNotNull();
            JsonNode fromCache = api.job(id);
            client.del(JobEvents.statusKey(UUID.fromString(id)));
            JsonNode fromDatabase = api.job(id);

            assertThat(fromCache).isEqualTo(fromDatabase);
            assertThat(JSON.readTree(cached.substring(cached.indexOf('\n') + 1)).get("version"))
                    .isEqualTo(fromDatabase.get("version"));
            assertThat(cached).startsWith("v1 - " + fromDatabase.get("version").asLong() + " completed\n");
            assertThat(client.get(JobEvents.statusKey(UUID.fromString(id)))).as("filled again on the miss")
                    .isNotNull();
        }
    }

    @Test
    @Order(2)
    void aRequestWithTheCurrentEtagGets304WithoutABody() throws Exception {
        String id = completedJob();
        ApiClient.Response first = api.get("/api/v1/jobs/" + id);
        String etag = first.header("ETag");
        assertThat(etag).isNotBlank();

        ApiClient.Response again = api.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api/v1/jobs/" + id))
                .header("If-None-Match", etag).build());

        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        ApiClient.Response stale = api.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api/v1/jobs/" + id))
                .header("If-None-Match", "\"something-else\"").build());
        assertThat(stale.status()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void aLongPollIsAnsweredByTheChangeNotByItsDeadline() throws Exception {
        // The one slot is busy with a long file, so the job behind it waits in the queue and changes no more by
        // itself: the only change is the one this test makes. (A finished job's poll answers at once.)
        String blocker = api.upload(media.longVideo(600), Map.of()).json().get("id").asText();
        String id = api.upload(media.wav(), Map.of()).json().get("id").asText();
        await().atMost(Patience.forSteps()).until(() -> api.job(blocker).path("stage").asText().equals("transcribing")
                && api.job(id).path("status").asText().equals("queued")
                && api.job(id).at("/media/stored").asBoolean());
        String etag = api.get("/api/v1/jobs/" + id).header("ETag");
        CompletableFuture<ApiClient.Response> poll = CompletableFuture.supplyAsync(() -> {
            try {
                return api.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api/v1/jobs/" + id
                        + "?wait=60")).header("If-None-Match", etag).build());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(1000);
        assertThat(poll).as("nothing changed yet").isNotDone();

        stack.application().jobs().update(UUID.fromString(id), job -> job.legalHold(true, Instant.now()));

        // Well inside the poll's 60 s: only an answer to the change itself arrives by then.
        ApiClient.Response changed = poll.get(30, TimeUnit.SECONDS);
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.json().at("/retention/legal_hold").asBoolean()).isTrue();
        assertThat(changed.header("ETag")).isNotEqualTo(etag);
        api.post("/api/v1/jobs/" + blocker + "/cancel");
        api.post("/api/v1/jobs/" + id + "/cancel");
    }

    @Test
    @Order(4)
    void theEventStreamDeliversEveryChangeOfAJobInOrder() throws Exception {
        String id = api.upload(media.longVideo(120), Map.of()).json().get("id").asText();
        HttpResponse<Stream<String>> stream = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(stack.baseUrl() + "/api/v1/jobs/" + id + "/events")).header("Accept", "text/event-stream")
                .build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("text/event-stream"));
        ApiContract.check("GET", "/api/v1/jobs/" + id + "/events", stream.statusCode(),
                stream.headers().firstValue("Content-Type").orElse(null), "(events)");
        List<JsonNode> events = new ArrayList<>();
        List<Long> eventIds = new ArrayList<>();
        CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> stream.body()
                .forEach(line -> {
                    try {
                        if (line.startsWith("data:")) {
                            events.add(JSON.readTree(line.substring(5).strip()));
                        } else if (line.startsWith("id:")) {
                            eventIds.add(Long.parseLong(line.substring(3).strip()));
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(line, e);
                    }
                }));
        reading.get(3, TimeUnit.MINUTES);

        assertThat(events).hasSizeGreaterThan(3);
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).get("version").asLong()).as("no change skipped")
                    .isEqualTo(events.get(i - 1).get("version").asLong() + 1);
        }
        assertThat(eventIds).as("each event's id is its version")
                .isEqualTo(events.stream().map(event -> event.get("version").asLong()).toList());
        assertThat(events.get(events.size() - 1).get("status").asText()).isEqualTo("completed");
        assertThat(events).extracting(event -> event.get("stage").asText()).containsSubsequence(
                "extracting_audio", "transcribing", "storing");
    }

    @Test
    @Order(5)
    void theEventStreamNeedsNoAcceptHeaderAsCurlSendsNone() throws Exception {
        String id = completedJob();
        long version = api.job(id).get("version").asLong();
        for (String accept : new String[] {null, "*/*", "application/json"}) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api/v1/jobs/" + id
                    + "/events"));
            if (accept != null) {
                request.header("Accept", accept);
            }

            ApiClient.Response stream = api.send(request.build());

            assertThat(stream.status()).as("Accept: " + accept).isEqualTo(200);
            assertThat(stream.header("Content-Type")).as("Accept: " + accept).startsWith("text/event-stream");
            assertThat(stream.body()).as("Accept: " + accept).isEqualTo("id: " + version + "\nevent: status\ndata: "
                    + api.get("/api/v1/jobs/" + id).body() + "\n\n");
        }
    }

    @Test
    @Order(6)
    void theEventStreamOfAMalformedIdOrAnUnknownJobIsAJsonErrorNotAStream() throws Exception {
        ApiClient.Response malformed = api.get("/api/v1/jobs/not-a-uuid/events");
        ApiClient.Response unknown = api.get("/api/v1/jobs/" + UUID.randomUUID() + "/events");

        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.header("Content-Type")).startsWith("application/json");
        assertThat(malformed.json().at("/error/code").asText()).isEqualTo("invalid_job_id");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.header("Content-Type")).startsWith("application/json");
        assertThat(unknown.json().at("/error/code").asText()).isEqualTo("not_found");
    }

    @Test
    @Order(10)
    void withRedisStoppedTheApiStillAnswersCorrectlyAndJobsStillComplete() throws Exception {
        String before = completedJob();
        JsonNode seenWithRedis = api.job(before);

        redis.close();

        assertThat(api.job(before)).isEqualTo(seenWithRedis);
        String after = api.upload(media.wav(), Map.of()).json().get("id").asText();
        JsonNode job = api.awaitFinished(after, Duration.ofMinutes(2));
        assertThat(job.get("status").asText()).isEqualTo("completed");
        ApiClient.Response longPoll = api.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api/v1/jobs/"
                + after + "?wait=2")).header("If-None-Match", api.get("/api/v1/jobs/" + after).header("ETag"))
                .build());
        assertThat(longPoll.status()).isEqualTo(304);
        assertThat(api.get("/api/v1/jobs/" + after + "/transcript?format=txt").status()).isEqualTo(200);
        ApiClient.Response readiness = api.get("/readyz");
        assertThat(readiness.status()).as("Redis is optional: still in service").isEqualTo(200);
        assertThat(readiness.json().at("/checks/redis").asText()).isEqualTo("degraded");
    }
}
