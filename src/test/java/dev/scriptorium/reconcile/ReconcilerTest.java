package dev.scriptorium.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.status.JobEvents;
import dev.scriptorium.testing.TestDatabase;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestStack;
import dev.scriptorium.transcription.JobOptions;
import dev.scriptorium.transcription.TranscriptionJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/** The reconciler finds jobs whose row was committed but whose queue entry never was, and gets them done. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReconcilerTest {
    @TempDir
    static Path dir;
    private TestStack stack;

    @BeforeAll
    void start() throws Exception {
        stack = TestStack.start(Map.of("RECONCILE_SECONDS", "5"));
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    /** The rows were changed behind the service's back, so its status cache still holds the old state. */
    private static void forgetCachedStatus(String id) {
        try (RedisClient redis = RedisClient.create(TestDatabase.env("TEST_REDIS_URL", "redis://127.0.0.1:6379"))) {
            redis.del(JobEvents.statusKey(UUID.fromString(id)));
        }
    }

    @Test
    void aJobRowCommittedWithoutItsQueueEntryIsEnqueuedByTheReconcilerAndCompletes() throws Exception {
        // As if the web process died between committing the row and enqueueing its ingest.
        UUID id = UUID.randomUUID();
        Path staged = stack.dataDir().resolve("staging").resolve(id.toString());
        Files.copy(new TestMedia(dir.resolve("media")).wav(), staged);
        stack.application().jobs().create(TranscriptionJob.queued(id, "talk.wav",
                new JobOptions(Optional.empty(), JobOptions.Task.TRANSCRIBE), Files.size(staged), Instant.now()));
        assertThat(stack.database().count("select count(*) from ingest_jobrunr_jobs where id = ?", id.toString())).isZero();

        JsonNode job = stack.api().awaitFinished(id.toString(), Duration.ofMinutes(2));

        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
        assertThat(stack.database().count("select count(*) from ingest_jobrunr_jobs where id = ?", id.toString()))
                .isEqualTo(1);
        assertThat(stack.database().count("select count(*) from transcript where job_id = ?", id)).isEqualTo(1);
    }

    @Test
    void aJobWhoseQueueEntryEndedWhileItsRowStillWaitsIsEnqueuedAgain() throws Exception {
        String id = stack.api().upload(new TestMedia(dir.resolve("media2")).wav(), Map.of()).json().get("id")
                .asText();
        stack.api().awaitFinished(id, Duration.ofMinutes(2));
        // As if the row had gone back to the queue (say, restored from a backup) while JobRunr's entry stayed
        // succeeded: enqueueing by id alone would find that entry and do nothing.
        try (var connection = stack.database().connect();
             var statement = connection.prepareStatement("delete from transcript where job_id = ?;"
                     + " update transcription_job set status = 'QUEUED', completed_at = null,"
                     + " updated_at = now() - interval '1 minute' where id = ?")) {
            statement.setObject(1, UUID.fromString(id));
            statement.setObject(2, UUID.fromString(id));
            statement.executeUpdate();
        }
        forgetCachedStatus(id);

        JsonNode job = stack.api().awaitFinished(id, Duration.ofMinutes(2));

        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
        assertThat(job.get("attempts").asInt()).isEqualTo(2);
    }

    @Test
    void aJobStuckInProcessingWhoseQueueEntryIsGoneIsRecoveredAndCompletes() throws Exception {
        String id = stack.api().upload(new TestMedia(dir.resolve("media3")).wav(), Map.of()).json().get("id")
                .asText();
        stack.api().awaitFinished(id, Duration.ofMinutes(2));
        // As if a worker died mid-transcription and its JobRunr entry was deleted from the dashboard.
        try (var connection = stack.database().connect();
             var statement = connection.prepareStatement("delete from transcript where job_id = ?;"
                     + " update transcription_job set status = 'PROCESSING', stage = 'TRANSCRIBING',"
                     + " completed_at = null, updated_at = now() - interval '1 minute' where id = ?;"
                     + " delete from transcribe_jobrunr_jobs where id = ?")) {
            statement.setObject(1, UUID.fromString(id));
            statement.setObject(2, UUID.fromString(id));
            statement.setString(3, id);
            statement.executeUpdate();
        }
        forgetCachedStatus(id);

        JsonNode job = stack.api().awaitFinished(id, Duration.ofMinutes(2));

        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
        assertThat(stack.database().count("select count(*) from transcript where job_id = ?", UUID.fromString(id)))
                .isEqualTo(1);
    }
}
