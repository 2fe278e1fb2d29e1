package dev.scriptorium.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scriptorium.app.Json;
import dev.scriptorium.transcription.JobOptions;
import dev.scriptorium.transcription.JobStage;
import dev.scriptorium.transcription.TranscriptionJob;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.RedisClient;

/** Against the real Redis the tests run beside (127.0.0.1:6379 unless TEST_REDIS_URL says otherwise). */
class JobEventsTest {
    private static final String REDIS = System.getenv().getOrDefault("TEST_REDIS_URL", "redis://127.0.0.1:6379");
    private final ObjectMapper json = Json.create();

    private static TranscriptionJob job() {
        return TranscriptionJob.queued(UUID.randomUUID(), "talk.mp4",
                new JobOptions(Optional.empty(), JobOptions.Task.TRANSCRIBE), 1, Instant.now());
    }

    private static java.util.Map<String, Object> view(TranscriptionJob job) {
        java.util.Map<String, Object> view = new java.util.LinkedHashMap<>();
        view.put("status", job.status().apiName());
        view.put("stage", job.stage().map(JobStage::apiName).orElse(null));
        return view;
    }

    @Test
    void aChangeIsPublishedOnTheJobsChannelAndCachedUnderItsKey() throws Exception {
        TranscriptionJob job = job();
        job.startStage(JobStage.INGESTING, Instant.now());
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        CountDownLatch subscribed = new CountDownLatch(1);
        try (RedisClient publisher = RedisClient.create(REDIS); RedisClient subscriber = RedisClient.create(REDIS)) {
            JedisPubSub listener = new JedisPubSub() {
                @Override
                public void onMessage(String channel, String message) {
                    received.add(message);
                }

                @Override
                public void onSubscribe(String channel, int count) {
                    subscribed.countDown();
                }
            };
            Thread thread = new Thread(() -> subscriber.subscribe(listener, JobEvents.channel(job.id())));
            thread.start();
            assertThat(subscribed.await(5, TimeUnit.SECONDS)).isTrue();

            new JobEvents(publisher, json, changed -> json.writeValueAsString(view(changed))).changed(job, null);

            JsonNode event = json.readTree(received.poll(5, TimeUnit.SECONDS));
            assertThat(event.get("status").asText()).isEqualTo("processing");
            assertThat(event.get("stage").asText()).isEqualTo("ingesting");
            assertThat(json.readTree(publisher.get(JobEvents.statusKey(job.id())))).isEqualTo(event);
            assertThat(publisher.ttl(JobEvents.statusKey(job.id()))).isPositive();
            listener.unsubscribe();
            thread.join(5000);
            publisher.del(JobEvents.statusKey(job.id()));
        }
    }

    @Test
    void anUnreachableRedisIsLoggedNotThrown() {
        try (RedisClient unreachable = RedisClient.create("redis://127.0.0.1:1")) {
            new JobEvents(unreachable, json, changed -> json.writeValueAsString(view(changed))).changed(job(), null);
        }
    }
}
