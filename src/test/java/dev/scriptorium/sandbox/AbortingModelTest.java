package dev.scriptorium.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.Patience;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestModels;
import dev.scriptorium.testing.TestStack;
import dev.scriptorium.transcription.JobAttempt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model that whisper.cpp loads but aborts on (SIGABRT inside full()): every attempt ends in worker_crashed, the job
 * fails for good after CRASH_RETRIES, and the serving process never notices beyond that.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AbortingModelTest {
    /** Offset of the vocabulary's " " token in a synthetic model: header, mel filters, count, 94 one-byte tokens. */
    private static final int BLANK_TOKEN = 48 + 8 + 80 * 201 * 4 + 4 + 94 * 5;
    @TempDir
    static Path dir;
    private Path model;
    private TestStack stack;

    @BeforeAll
    void start() throws Exception {
        model = dir.resolve("aborting.bin");
        byte[] bytes = Files.readAllBytes(TestModels.syntheticTiny());
        assertThat(new byte[] {bytes[BLANK_TOKEN], bytes[BLANK_TOKEN + 4]}).containsExactly(1, ' ');
        // Without a " " token whisper.cpp's suppress-blank lookup throws std::out_of_range, which aborts.
        bytes[BLANK_TOKEN + 4] = 0x7f;
        Files.write(model, bytes);
        stack = TestStack.start(Map.of("WHISPER_MODEL", model.toString(), "CRASH_RETRIES", "1"));
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyAttemptEndsInWorkerCrashedThenTheJobFailsForGoodAndTheNextGoodJobCompletes() throws Exception {
        TestMedia media = new TestMedia(dir.resolve("media"));
        ApiClient api = stack.api();
        String id = api.upload(media.wav(), Map.of()).json().get("id").asText();
        JsonNode job = api.awaitFinished(id, Patience.forAudio(60));

        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("failed");
        assertThat(job.get("failure_code").asText()).isEqualTo("worker_crashed");
        assertThat(job.get("failure_reason").asText()).contains("will not be retried automatically");
        List<JobAttempt> attempts = stack.application().jobs().attempts(UUID.fromString(id));
        assertThat(attempts).hasSize(2).allSatisfy(attempt -> {
            assertThat(attempt.failureCode()).contains("worker_crashed");
            assertThat(attempt.detail().orElseThrow()).contains("signal 6");
        });
        assertThat(stack.database().count("select count(*) from transcription_job where id = ? and quarantined",
                UUID.fromString(id))).isEqualTo(1);
        assertThat(api.get("/healthz").status()).isEqualTo(200);

        // The operator replaces the model; the child restarts on it, and the parent never restarted.
        Files.copy(TestModels.syntheticTiny(), model, StandardCopyOption.REPLACE_EXISTING);
        stack.application().worker().orElseThrow().slots().orElseThrow().sandboxes().get(0)
                .kill("the operator replaced the model");
        JsonNode next = api.awaitFinished(api.upload(media.wav(), Map.of()).json().get("id").asText(),
                Patience.forAudio(10));
        assertThat(next.get("status").asText()).as(next.toString()).isEqualTo("completed");
    }
}
