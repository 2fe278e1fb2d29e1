package dev.scriptorium.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.Patience;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestStack;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Without the speech detection model, jobs run as before and say that speech detection was off, and why. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpeechModelMissingTest {
    @TempDir
    static Path dir;
    private TestStack stack;

    @BeforeAll
    void start() throws Exception {
        stack = TestStack.start(Map.of("VAD", "true", "VAD_MODEL", dir.resolve("missing.onnx").toString()));
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aJobStillCompletesAndSaysSpeechDetectionWasOffAndHowToTurnItOn() throws Exception {
        ApiClient.Response response = stack.api().upload(new TestMedia(dir).wav(), Map.of("language", "en"));
        JsonNode job = stack.api().awaitFinished(response.json().get("id").asText(), Patience.forAudio(10));

        assertThat(job.get("status").asText()).isEqualTo("completed");
        assertThat(job.get("vad").asBoolean()).isTrue();
        assertThat(job.get("speech_detection").asText()).isEqualTo("unavailable");
        assertThat(job.get("note").asText()).contains("missing.onnx").contains("models/download.sh silero-vad");
        assertThat(job.get("progress").get("percent").asDouble()).isEqualTo(100.0);
    }

    @Test
    void theStatusApiSaysTheModelIsMissingAndHowToGetIt() throws Exception {
        JsonNode speech = stack.api().get("/api/v1/status").json().get("speech_detection");

        assertThat(speech.get("available").asBoolean()).isFalse();
        assertThat(speech.get("enabled_by_default").asBoolean()).isTrue();
        assertThat(speech.get("message").asText()).contains("models/download.sh silero-vad");
    }
}
