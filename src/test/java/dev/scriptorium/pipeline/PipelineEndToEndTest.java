package dev.scriptorium.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.Patience;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.StrictCaptions;
import dev.scriptorium.testing.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads real media of every common kind through the API of a real {@code serve} stack and checks every output.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineEndToEndTest {
    /** Five short files in flight at once. */
    private static final Duration TIMEOUT = Patience.forAudio(5 * 10);
    @TempDir
    static Path mediaDir;
    private TestStack stack;
    private ApiClient api;
    private final Map<String, JsonNode> finished = new LinkedHashMap<>();

    @BeforeAll
    void uploadEveryKindOfMediaAndWait() throws Exception {
        stack = TestStack.start(Map.of());
        api = stack.api();
        TestMedia media = new TestMedia(mediaDir);
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("mp4", media.mp4H264Aac());
        files.put("webm", media.webmVp9Opus());
        files.put("mkv", media.mkvH264Aac());
        files.put("mp3", media.mp3());
        files.put("wav", media.wav());
        Map<String, String> ids = new LinkedHashMap<>();
        for (Map.Entry<String, Path> file : files.entrySet()) {
            ApiClient.Response response = api.upload(file.getValue(), Map.of("language", "en"));
            assertThat(response.status()).as(response.body()).isEqualTo(202);
            ids.put(file.getKey(), response.json().get("id").asText());
        }
        for (Map.Entry<String, String> id : ids.entrySet()) {
            finished.put(id.getKey(), api.awaitFinished(id.getValue(), TIMEOUT));
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyFormatEndsCompletedWithItsMediaDescribed() {
        assertThat(finished).hasSize(5);
        finished.forEach((kind, job) -> {
            assertThat(job.get("status").asText()).as(kind + ": " + job).isEqualTo("completed");
            assertThat(job.get("progress").get("percent").asDouble()).as(kind).isEqualTo(100.0);
            assertThat(job.get("media").get("duration_seconds").asDouble()).as(kind).isGreaterThan(1.0);
            assertThat(job.get("media").get("audio_codec").asText()).as(kind).isNotBlank();
            assertThat(job.get("attempts").asInt()).as(kind).isEqualTo(1);
            assertThat(job.get("started_at").isNull()).as(kind).isFalse();
            assertThat(job.get("completed_at").isNull()).as(kind).isFalse();
        });
        assertThat(finished.get("mp4").get("media").get("container").asText()).isEqualTo("mp4");
        assertThat(finished.get("webm").get("media").get("audio_codec").asText()).isEqualTo("opus");
        assertThat(finished.get("mp3").get("media").get("audio_codec").asText()).isEqualTo("mp3");
    }

    @Test
    void jsonTranscriptHasOrderedSegmentsInSeconds() throws Exception {
        for (JsonNode job : finished.values()) {
            JsonNode transcript = api.get(transcriptPath(job, "json")).json();
            JsonNode segments = transcript.get("segments");
            assertThat(segments.size()).isPositive();
            assertThat(transcript.get("text").asText()).isNotBlank();
            double previousStart = -1;
            for (JsonNode segment : segments) {
                double start = segment.get("start").asDouble();
                double end = segment.get("end").asDouble();
                assertThat(start).isGreaterThanOrEqualTo(previousStart);
                assertThat(end).isGreaterThanOrEqualTo(start);
                assertThat(end).isLessThanOrEqualTo(job.get("media").get("duration_seconds").asDouble() + 0.5);
                previousStart = start;
            }
        }
    }

    @Test
    void everySegmentCarriesItsWordsInOrderInsideItAndSpellingItsText() throws Exception {
        for (JsonNode job : finished.values()) {
            for (JsonNode segment : api.get(transcriptPath(job, "json")).json().get("segments")) {
                JsonNode words = segment.get("words");
                assertThat(words.size()).as(segment.toString()).isPositive();
                double previousEnd = segment.get("start").asDouble();
                StringBuilder spelled = new StringBuilder();
                for (JsonNode word : words) {
                    assertThat(word.get("start").asDouble()).isGreaterThanOrEqualTo(previousEnd);
                    assertThat(word.get("end").asDouble()).isBetween(word.get("start").asDouble(),
                            segment.get("end").asDouble());
                    previousEnd = word.get("end").asDouble();
                    spelled.append(word.get("text").asText());
                }
                assertThat(spelled.toString().replaceAll("\\s+", ""))
                        .isEqualTo(segment.get("text").asText().replaceAll("\\s+", ""));
            }
        }
    }

    @Test
    void everySegmentCarriesItsConfidenceAndItsFlagsPossiblyNone() throws Exception {
        List<String> known = List.of("low_confidence", "repetition", "empty");
        for (JsonNode job : finished.values()) {
            JsonNode transcript = api.get(transcriptPath(job, "json")).json();
            assertThat(transcript.get("language").asText()).isEqualTo("en");
            assertThat(transcript.get("language_source").asText()).isEqualTo("requested");
            for (JsonNode segment : transcript.get("segments")) {
                assertThat(segment.get("avg_logprob").asDouble()).isLessThanOrEqualTo(0.0);
                assertThat(segment.get("compression_ratio").asDouble()).isPositive();
                assertThat(segment.get("confidence").asDouble()).isBetween(0.0, 1.0);
                assertThat(segment.get("flags").isArray()).isTrue();
                segment.get("flags").forEach(flag -> assertThat(flag.asText()).isIn(known));
                assertThat(segment.get("flags").toString().contains("low_confidence"))
                        .isEqualTo(segment.get("avg_logprob").asDouble() < -1.0);
            }
        }
    }

    @Test
    void srtFromWordsParsesStrictlyWithOrderedTimes() throws Exception {
        for (JsonNode job : finished.values()) {
            ApiClient.Response srt = api.get(transcriptPath(job, "srt"));
            assertThat(srt.status()).isEqualTo(200);
            assertThat(srt.header("Content-Type")).startsWith("application/x-subrip");
            List<StrictCaptions.Cue> cues = StrictCaptions.parse(srt.body(), ',', 2);
            assertThat(cues).isNotEmpty();
            StrictCaptions.assertOrdered(cues);
            assertThat(cues).allSatisfy(cue -> {
                assertThat(cue.lines()).allSatisfy(line ->
                        assertThat(line.length() <= 42 || !line.contains(" ")).as(line).isTrue());
                assertThat(cue.endMillis() - cue.startMillis()).isLessThanOrEqualTo(7000);
            });
        }
    }

    @Test
    void vttFromWordsParsesStrictlyAndFollowsTheCaptionOptions() throws Exception {
        for (JsonNode job : finished.values()) {
            ApiClient.Response vtt = api.get(transcriptPath(job, "vtt") + "&max_line_chars=20&max_lines=1");
            assertThat(vtt.header("Content-Type")).startsWith("text/vtt");
            assertThat(vtt.body()).startsWith("WEBVTT\n\n");
            List<StrictCaptions.Cue> cues = StrictCaptions.parse(vtt.body().substring("WEBVTT\n\n".length()), '.', 1);
            StrictCaptions.assertOrdered(cues);
            // A word longer than a line stands whole on a line of its own: words are never split.
            assertThat(cues).flatMap(StrictCaptions.Cue::lines)
                    .allSatisfy(line -> assertThat(line.length() <= 20 || !line.contains(" ")).as(line).isTrue());
        }
    }

    @Test
    void captionOptionsOutOfBoundsGetA400SayingWhatIsAllowed() throws Exception {
        JsonNode job = finished.get("mp4");
        ApiClient.Response response = api.get(transcriptPath(job, "srt") + "&max_lines=0");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("error").get("message").asText()).contains("max_lines").contains("1 to 10");
    }

    @Test
    void txtIsTheFullTextOfTheJsonTranscript() throws Exception {
        for (JsonNode job : finished.values()) {
            String txt = api.get(transcriptPath(job, "txt")).body();
            String text = api.get(transcriptPath(job, "json")).json().get("text").asText();
            assertThat(txt).isEqualTo(text + "\n");
        }
    }

    @Test
    void theTranscriptRowIsInPostgresAndTheMediaObjectIsInTheStore() throws Exception {
        for (JsonNode job : finished.values()) {
            UUID id = UUID.fromString(job.get("id").asText());
            assertThat(stack.database().count("select count(*) from transcript where job_id = ?", id)).isEqualTo(1);
            assertThat(stack.database().count("select count(*) from transcript_segment where job_id = ?", id))
                    .isEqualTo(segmentCount(job));
            assertThat(stack.objects().exists("media/" + id)).isTrue();
            assertThat(stack.objects().size("media/" + id)).isEqualTo(job.get("media").get("size_bytes").asLong());
        }
    }

    @Test
    void noStagingOrTempFileIsLeftBehind() throws Exception {
        try (var staged = Files.list(stack.dataDir().resolve("staging"))) {
            assertThat(staged.filter(Files::isRegularFile)).isEmpty();
        }
        Path work = stack.dataDir().resolve("work");
        if (Files.exists(work)) {
            try (var left = Files.list(work)) {
                assertThat(left).isEmpty();
            }
        }
    }

    private int segmentCount(JsonNode job) throws Exception {
        return api.get(transcriptPath(job, "json")).json().get("segments").size();
    }

    private static String transcriptPath(JsonNode job, String format) {
        return job.get("links").get("transcript").get(format).asText();
    }
}
