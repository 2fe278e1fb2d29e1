package dev.scriptorium.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scriptorium.access.ApiKeys;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestStack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * OpenAI's own Node.js SDK (src/test/openai-client, installed by the test build) against a running serve that
 * requires API keys: what a tool written for OpenAI gets back from Scriptorium's /v1 API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenAiClientTest {
    private static final Path CLIENT = Path.of("src/test/openai-client/client.mjs").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    private TestStack stack;
    private String key;
    private Path speech;

    @BeforeAll
    void start() throws Exception {
        stack = TestStack.start(Map.of("ANONYMOUS_ACCESS", "false"));
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(stack.database().jdbcUrl());
        dataSource.setUser(stack.database().user());
        key = new ApiKeys(dataSource).create("openai-" + UUID.randomUUID().toString().substring(0, 8), false)
                .secret();
        speech = new TestMedia(dir.resolve("media")).wav();
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    /** Runs one scenario of client.mjs and returns the JSON line it printed. */
    private JsonNode client(String scenario, Path file, String apiKey) throws IOException, InterruptedException {
        return client(stack, scenario, file, apiKey);
    }

    static JsonNode client(TestStack stack, String scenario, Path file, String apiKey)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node", CLIENT.toString(), scenario, stack.baseUrl() + "/v1",
                file.toString()));
        if (apiKey != null) {
            command.add(apiKey);
        }
        Process node = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String[] lines = output.strip().split("\n");
        return JSON.readTree(lines[lines.length - 1]);
    }

    @Test
    void jsonAnswersTheTextAsJson() throws Exception {
        JsonNode answer = client("transcribe:json", speech, key);

        assertThat(answer.get("ok").asBoolean()).as(answer.toString()).isTrue();
        assertThat(answer.get("contentType").asText()).startsWith("application/json");
        assertThat(answer.at("/data/text").asText()).isNotBlank();
        assertThat(answer.get("jobId").asText()).matches("[0-9a-f-]{36}");
    }

    @Test
    void textSrtAndVttComeAsTheirOwnMediaTypes() throws Exception {
        JsonNode text = client("transcribe:text", speech, key);
        JsonNode srt = client("transcribe:srt", speech, key);
        JsonNode vtt = client("transcribe:vtt", speech, key);

        assertThat(text.get("contentType").asText()).as(text.toString()).startsWith("text/plain");
        assertThat(text.get("data").isTextual()).isTrue();
        assertThat(srt.get("contentType").asText()).as(srt.toString()).startsWith("application/x-subrip");
        assertThat(srt.get("data").asText()).contains(" --> ").startsWith("1\n");
        assertThat(vtt.get("contentType").asText()).as(vtt.toString()).startsWith("text/vtt");
        assertThat(vtt.get("data").asText()).startsWith("WEBVTT");
    }

    @Test
    void verboseJsonHasOpenAisFieldsAndTypes() throws Exception {
        JsonNode answer = client("transcribe:verbose_json", speech, key);

        JsonNode data = answer.get("data");
        assertThat(data.get("task").asText()).as(answer.toString()).isEqualTo("transcribe");
        assertThat(data.get("language").asText()).isEqualTo("english");
        assertThat(data.get("duration").isNumber()).isTrue();
        assertThat(data.get("text").isTextual()).isTrue();
        assertThat(data.has("words")).as("words only when asked for").isFalse();
        assertThat(data.get("segments")).isNotEmpty().allSatisfy(segment -> {
            assertThat(segment.get("id").isInt()).isTrue();
            assertThat(segment.get("seek").isInt()).isTrue();
            for (String number : List.of("start", "end", "temperature", "avg_logprob", "compression_ratio",
                    "no_speech_prob")) {
                assertThat(segment.get(number).isNumber()).as(number).isTrue();
            }
            assertThat(segment.get("text").isTextual()).isTrue();
            assertThat(segment.get("tokens").isArray()).isTrue();
        });
    }

    @Test
    void wordAndSegmentGranularitiesGiveBothWordsAndSegments() throws Exception {
        JsonNode data = client("words", speech, key).get("data");

        assertThat(data.get("segments")).as(data.toString()).isNotEmpty();
        assertThat(data.get("words")).isNotEmpty().allSatisfy(word -> {
            assertThat(word.get("word").isTextual()).isTrue();
            assertThat(word.get("start").asDouble()).isLessThanOrEqualTo(word.get("end").asDouble());
        });
    }

    @Test
    void aTranslationRunsAsATranslateJob() throws Exception {
        JsonNode answer = client("translate", speech, key);

        assertThat(answer.get("ok").asBoolean()).as(answer.toString()).isTrue();
        assertThat(answer.at("/data/task").asText()).isEqualTo("translate");
    }

    @Test
    void aTextFileIsABadRequestThatSaysWhy() throws Exception {
        Path notes = Files.writeString(dir.resolve("notes.txt"), "These are meeting notes, not a recording.\n");

        JsonNode answer = client("transcribe:json", notes, key);

        assertThat(answer.get("errorClass").asText()).as(answer.toString()).isEqualTo("BadRequestError");
        assertThat(answer.get("status").asInt()).isEqualTo(400);
        assertThat(answer.at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(answer.get("message").asText()).containsIgnoringCase("audio");
    }

    @Test
    void aWrongKeyIsAnAuthenticationError() throws Exception {
        JsonNode answer = client("transcribe:json", speech, "sk-not-a-key");

        assertThat(answer.get("errorClass").asText()).as(answer.toString()).isEqualTo("AuthenticationError");
        assertThat(answer.get("status").asInt()).isEqualTo(401);
    }

    @Test
    void anUnknownModelIsABadRequestThatListsTheModels() throws Exception {
        JsonNode answer = client("model:gpt-4o-transcribe", speech, key);

        assertThat(answer.get("errorClass").asText()).as(answer.toString()).isEqualTo("BadRequestError");
        assertThat(answer.at("/error/param").asText()).isEqualTo("model");
        assertThat(answer.get("message").asText()).contains("whisper-1");
    }

    @Test
    void theModelsListHasWhisper1AndTheLoadedModel() throws Exception {
        JsonNode answer = client("models", speech, key);

        assertThat(answer.get("data")).as(answer.toString()).extracting(model -> model.get("id").asText())
                .contains("whisper-1", stack.api().get("/api/v1/status").json().at("/model/model").asText());
    }

    @Test
    void aTranscriptionThroughV1IsAnOrdinaryJobThatCanBeListedAndDeleted() throws Exception {
        String id = client("transcribe:json", speech, key).get("jobId").asText();
        ApiClient api = stack.api();

        JsonNode listed = api.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(stack.baseUrl() + "/api/v1/jobs")).header("Authorization", "Bearer " + key)
                .build()).json();
        assertThat(listed.get("jobs")).extracting(job -> job.get("id").asText()).contains(id);
        int deleted = api.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(stack.baseUrl() + "/api/v1/jobs/" + id)).DELETE()
                .header("Authorization", "Bearer " + key).build()).status();
        assertThat(deleted).isIn(200, 204);
    }

    @Test
    void aPromptAndATemperatureOfZeroAreTaken() throws Exception {
        JsonNode answer = client("prompt:Scriptorium and its scribes", speech, key);

        assertThat(answer.get("ok").asBoolean()).as(answer.toString()).isTrue();
        assertThat(stack.api().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(stack.baseUrl()
                + "/api/v1/jobs/" + answer.get("jobId").asText())).header("Authorization", "Bearer " + key).build())
                .json().get("status").asText()).isEqualTo("completed");
    }

    @Test
    void streamingIsRefusedWithABadRequestThatSaysSo() throws Exception {
        JsonNode answer = client("stream", speech, key);

        assertThat(answer.get("errorClass").asText()).as(answer.toString()).isEqualTo("BadRequestError");
        assertThat(answer.at("/error/param").asText()).isEqualTo("stream");
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyAnswersTheFirstJob() throws Exception {
        JsonNode answer = client("idempotent:" + UUID.randomUUID(), speech, key);

        assertThat(answer.get("ok").asBoolean()).as(answer.toString()).isTrue();
        assertThat(answer.get("againJobId").asText()).isEqualTo(answer.get("jobId").asText());
        assertThat(answer.at("/data/text").isTextual()).isTrue();
    }
}
