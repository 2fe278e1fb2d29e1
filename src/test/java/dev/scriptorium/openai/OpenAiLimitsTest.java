package dev.scriptorium.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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

/** The limits of the /v1 API as OpenAI's SDK meets them: the longest wait, and the upload size. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenAiLimitsTest {
    private static final long MAX_UPLOAD_BYTES = 2_500_000;
    @TempDir
    static Path dir;
    private TestStack stack;
    private TestMedia media;

    @BeforeAll
    void start() throws Exception {
        stack = TestStack.start(Map.of("OPENAI_MAX_WAIT_SECONDS", "1",
                "MAX_UPLOAD_BYTES", String.valueOf(MAX_UPLOAD_BYTES)));
        media = new TestMedia(dir.resolve("media"));
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aJobThatOutlastsTheWaitAnswers504NamingTheJobWhichGoesOn() throws Exception {
        JsonNode answer = OpenAiClientTest.client(stack, "transcribe:json", media.tone(60), null);

        assertThat(answer.get("status").asInt()).as(answer.toString()).isEqualTo(504);
        assertThat(answer.at("/error/type").asText()).isEqualTo("server_error");
        String id = answer.get("message").asText().replaceAll(".*as job ([0-9a-f-]{36}).*", "$1");
        assertThat(id).matches("[0-9a-f-]{36}");
        assertThat(stack.api().awaitFinished(id, Patience.forAudio(60)).get("status").asText())
                .isEqualTo("completed");
    }

    @Test
    void aChunkedUploadOverTheLimitIs413InOpenAisShape() throws Exception {
        Path large = media.tone(160);
        assertThat(java.nio.file.Files.size(large)).isGreaterThan(MAX_UPLOAD_BYTES);

        JsonNode answer = OpenAiClientTest.client(stack, "transcribe:json", large, null);

        assertThat(answer.get("status").asInt()).as(answer.toString()).isEqualTo(413);
        assertThat(answer.at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(answer.at("/error/param").asText()).isEqualTo("file");
    }

    @Test
    void a504TellsOpenAisSdksNotToRetryForARetryWouldUploadAgain() throws Exception {
        String boundary = "limits-boundary";
        Path tone = media.tone(60);
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(stack.baseUrl() + "/v1/audio/transcriptions"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(java.net.http.HttpRequest.BodyPublishers.concat(
                        java.net.http.HttpRequest.BodyPublishers.ofString("--" + boundary + "\r\nContent-Disposition:"
                                + " form-data; name=\"model\"\r\n\r\nwhisper-1\r\n--" + boundary
                                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"tone.wav\"\r\n\r\n"),
                        java.net.http.HttpRequest.BodyPublishers.ofFile(tone),
                        java.net.http.HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n")))
                .build();

        var response = stack.api().send(request);

        assertThat(response.status()).as(response.body()).isEqualTo(504);
        assertThat(response.header("x-should-retry")).isEqualTo("false");
        assertThat(response.header("Scriptorium-Job-Id")).matches("[0-9a-f-]{36}");
    }
}
