package dev.scriptorium.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.sandbox.Sandbox;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.Patience;
import dev.scriptorium.testing.SpeechScene;
import dev.scriptorium.testing.TestStack;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Speech detection through the whole pipeline: the real Silero model and a synthetic Whisper model in a real child,
 * on files with speech placed between silence, noise and music.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpeechDetectionPipelineTest {
    /** How far a segment may start from the speech it belongs to: the padding, and what Silero takes to hear it. */
    private static final double START_TOLERANCE = 0.5;
    @TempDir
    static Path mediaDir;
    private TestStack stack;
    private ApiClient api;
    /** Three blocks of speech, each about 18 s, between long stretches of silence, pink noise and a melody. */
    private SpeechScene blocks;

    @BeforeAll
    void start() throws Exception {
        // Chunks of 30 s: each block of speech fills one, so each chunk's first segment starts where its block does.
        stack = TestStack.start(Map.of("VAD", "true", "CHUNK_SECONDS", "30", "WORKER_SLOTS", "1",
                "WHISPER_THREADS", "2"));
        api = stack.api();
        SpeechScene.Builder scene = SpeechScene.builder().silence(20);
        speechBlock(scene, 0).pinkNoise(25, -30);
        speechBlock(scene, 4).melody(25);
        speechBlock(scene, 1).silence(20);
        blocks = scene.build(mediaDir.resolve("blocks"));
    }

    /** Four sentences with the short pauses of someone reading them out. */
    private static SpeechScene.Builder speechBlock(SpeechScene.Builder scene, int first) {
        for (int i = 0; i < 4; i++) {
            scene.speech(SpeechScene.SENTENCES.get((first + i) % SpeechScene.SENTENCES.size()));
            if (i < 3) {
                scene.silence(0.3);
            }
        }
        return scene;
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    private Sandbox slot() {
        return stack.application().worker().orElseThrow().slots().orElseThrow().sandboxes().get(0);
    }

    private JsonNode transcribe(Path file, Map<String, String> fields) throws Exception {
        ApiClient.Response response = api.upload(file, fields);
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        JsonNode job = api.awaitFinished(response.json().get("id").asText(), Patience.forAudio(180));
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
        return job;
    }

    private JsonNode segments(JsonNode job) throws Exception {
        return api.get("/api/v1/jobs/" + job.get("id").asText() + "/transcript?format=json").json().get("segments");
    }

    @Test
    void segmentsLandWhereTheSpeechWasAndNeverInsideALongGap() throws Exception {
        double heardBefore = slot().childStats().get("transcribed_seconds").asDouble();

        JsonNode job = transcribe(blocks.wav(), Map.of("language", "en"));

        List<SpeechScene.Span> spans = blocks.speechSpans(0.5);
        assertThat(spans).hasSize(3);
        List<Double> starts = new ArrayList<>();
        segments(job).forEach(segment -> starts.add(segment.get("start").asDouble()));
        System.out.printf("Speech at %s; segments start at %s%n", spans, starts);
        assertThat(starts).isNotEmpty();
        for (SpeechScene.Part gap : blocks.nonSpeechSpans()) {
            if (gap.length() > 2) {
                assertThat(starts).as("no segment starts inside %s", gap).noneMatch(start ->
                        start > gap.start() + START_TOLERANCE && start < gap.end() - START_TOLERANCE);
            }
        }
        for (SpeechScene.Span span : spans) {
            assertThat(starts).as("a segment starts where the speech at %s does", span)
                    .anySatisfy(start -> assertThat(Math.abs(start - span.start())).isLessThan(START_TOLERANCE));
        }
        double heard = slot().childStats().get("transcribed_seconds").asDouble() - heardBefore;
        assertThat(heard).as("seconds Whisper was given").isLessThan(blocks.seconds() * 0.6)
                .isGreaterThanOrEqualTo(blocks.speechSeconds());
        assertThat(job.get("speech_detection").asText()).isEqualTo("applied");
        assertThat(job.get("progress").get("speech_seconds").asDouble())
                .isBetween(blocks.speechSeconds(), blocks.speechSeconds() + 6);
    }

    @Test
    void metricsCountTheSpeechShareAndTheSecondsSkipped() throws Exception {
        transcribe(blocks.wav(), Map.of("language", "en"));

        String metrics = new ApiClient(java.net.URI.create("http://127.0.0.1:"
                + stack.application().managementPort().orElseThrow())).get("/metrics").body();
        assertThat(metrics).containsPattern("(?m)^scriptorium_speech_ratio_count [1-9]")
                .containsPattern("(?m)^scriptorium_audio_skipped_seconds_total [1-9][0-9]");
    }

    @Test
    void aFileWithoutSpeechCompletesEmptyWithANoteAndWhisperIsNeverCalled() throws Exception {
        Path music = SpeechScene.builder().silence(30).melody(40).pinkNoise(20, -30).melody(30)
                .build(mediaDir.resolve("music")).wav();
        JsonNode before = slot().childStats();

        JsonNode job = transcribe(music, Map.of());

        assertThat(segments(job)).isEmpty();
        assertThat(job.get("note").asText()).containsIgnoringCase("no speech detected");
        assertThat(job.get("speech_detection").asText()).isEqualTo("applied");
        assertThat(job.get("progress").get("speech_seconds").asDouble()).isZero();
        JsonNode after = slot().childStats();
        assertThat(after.get("transcriptions").asInt()).as("transcriptions")
                .isEqualTo(before.get("transcriptions").asInt());
        assertThat(after.get("language_detections").asInt()).as("language detections")
                .isEqualTo(before.get("language_detections").asInt());
        assertThat(after.get("speech_detections").asInt()).isEqualTo(before.get("speech_detections").asInt() + 1);
    }

    @Test
    void vadFalseHasWhisperHearAllOfTheAudio() throws Exception {
        // One block between silences: all of it is heard, which with the long scene would take minutes.
        SpeechScene shortScene = speechBlock(SpeechScene.builder().silence(4), 0).silence(4)
                .build(mediaDir.resolve("short"));
        double heardBefore = slot().childStats().get("transcribed_seconds").asDouble();

        JsonNode job = transcribe(shortScene.wav(), Map.of("language", "en", "vad", "false"));

        double heard = slot().childStats().get("transcribed_seconds").asDouble() - heardBefore;
        assertThat(heard).isCloseTo(shortScene.seconds(), org.assertj.core.data.Offset.offset(0.1));
        assertThat(job.get("vad").asBoolean()).isFalse();
        assertThat(job.get("speech_detection").asText()).isEqualTo("off");
        assertThat(job.get("progress").get("speech_seconds").isNull()).isTrue();
        assertThat(segments(job)).allSatisfy(segment -> assertThat(segment.get("no_speech_prob").isNull()).isTrue());
    }
}
