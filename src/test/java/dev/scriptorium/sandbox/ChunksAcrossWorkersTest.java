package dev.scriptorium.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.app.Application;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.Patience;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestStack;
import dev.scriptorium.transcription.JobAttempt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One file's chunks spread over two workers that share only the database, the object store and Redis: a serve with
 * one slot, and a separate worker role with one slot of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChunksAcrossWorkersTest {
    @TempDir
    static Path dir;
    private TestStack stack;
    private Application otherWorker;

    @BeforeAll
    void start() throws Exception {
        Map<String, String> oneSlot = Map.of("WORKER_SLOTS", "1", "WHISPER_THREADS", "1", "CHUNK_SECONDS", "60");
        stack = TestStack.start(oneSlot);
        otherWorker = stack.startWorker(oneSlot);
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aSecondWorkerTranscribesSomeChunksAndTheTranscriptEqualsASerialRun() throws Exception {
        Path video = new TestMedia(dir.resolve("media")).longVideo(300);
        ApiClient api = stack.api();
        String id = api.upload(video, Map.of("language", "en")).json().get("id").asText();
        JsonNode job = api.awaitFinished(id, Patience.forAudio(600));
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
        List<JobAttempt> attempts = stack.application().jobs().attempts(UUID.fromString(id));
        assertThat(attempts).hasSize(1);
        assertThat(ParallelChunksTest.chunksOnOtherSlots(attempts.get(0))).isPositive();
        // The serve's only slot was busy with the job itself, so the other chunks' helper was the other worker.
        assertThat(otherWorker.worker().orElseThrow().helpedChunks()).isPositive();
        JsonNode parallel = api.get("/api/v1/jobs/" + id + "/transcript?format=json").json().get("segments");

        ParallelChunksTest.assertSameAsSerial(job, parallel, ParallelChunksTest.serialRun(video, dir));
        assertThat(stack.objects().keys("chunks/" + id)).isEmpty();
        try (var left = Files.list(stack.dataDir().resolve("work"))) {
            assertThat(left).isEmpty();
        }
    }
}
