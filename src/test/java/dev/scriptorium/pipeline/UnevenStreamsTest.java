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

/**
 * Complete files whose audio and picture differ in length are transcribed, with every segment inside the span where
 * the audio plays on the file's timeline; a file cut off in transfer is still refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnevenStreamsTest {
    /** AAC priming and FLAC frames lengthen decoded audio a little; times are compared with this much slack. */
    private static final double SLACK_SECONDS = 0.15;
    @TempDir
    static Path mediaDir;
    private TestStack stack;
    private TestMedia media;
    private double sentence;

    @BeforeAll
    void start() throws Exception {
        stack = TestStack.start(Map.of());
        media = new TestMedia(mediaDir);
        sentence = media.sentenceSeconds();
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    private JsonNode transcribe(Path file) throws Exception {
        ApiClient.Response response = stack.api().upload(file, Map.of("language", "en"));
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        String id = response.json().get("id").asText();
        JsonNode job = stack.api().awaitFinished(id, Patience.forAudio(30));
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
        return stack.api().get("/api/v1/jobs/" + id + "/transcript?format=json").json();
    }

    private void assertSegmentsWithin(JsonNode transcript, double audioStart, double audioEnd) {
        JsonNode segments = transcript.get("segments");
        assertThat(segments).as(transcript.toString()).isNotEmpty();
        for (JsonNode segment : segments) {
            assertThat(segment.get("start").asDouble()).as(segment.toString())
                    .isGreaterThanOrEqualTo(audioStart - SLACK_SECONDS);
            assertThat(segment.get("end").asDouble()).as(segment.toString())
                    .isLessThanOrEqualTo(audioEnd + SLACK_SECONDS);
        }
    }

    @Test
    void anMp4WhosePictureGoesOnAfterItsAudioEndsCompletes() throws Exception {
        assertSegmentsWithin(transcribe(media.mp4AudioEndingBeforePicture(4)), 0, sentence);
    }

    @Test
    void anMkvWithFlacAudioEndingBeforeThePictureCompletes() throws Exception {
        assertSegmentsWithin(transcribe(media.mkvFlacAudioEndingBeforePicture(4)), 0, sentence);
    }

    @Test
    void anMp4WhoseAudioStartsLateCompletesWithTimesOnTheVideosTimeline() throws Exception {
        JsonNode transcript = transcribe(media.mp4WithLateAudio(3));

        assertSegmentsWithin(transcript, 3, 3 + sentence);
        assertThat(transcript.get("segments").get(0).get("start").asDouble()).isGreaterThan(2.5);
    }

    @Test
    void anMp4WithAShortPictureAndLongerAudioCompletes() throws Exception {
        assertSegmentsWithin(transcribe(media.mp4PictureShorterThanAudio(1.5)), 0, sentence);
    }

    @Test
    void anMkvCutOffInTransferStillFailsAsTruncatedMedia() throws Exception {
        ApiClient.Response response = stack.api().upload(media.truncatedMkv(), Map.of());
        JsonNode job = stack.api().awaitFinished(response.json().get("id").asText(), Patience.forAudio(30));

        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("failed");
        assertThat(job.get("failure_code").asText()).isEqualTo("truncated_media");
        assertThat(job.get("failure_reason").asText()).contains("cut off");
    }
}
