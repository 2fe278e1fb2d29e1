package dev.scriptorium.transcription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.scriptorium.media.AudioChunk;
import dev.scriptorium.media.QuietChunker;
import dev.scriptorium.speech.SpeechProbabilities;
import dev.scriptorium.speech.SpeechTimeline;
import dev.scriptorium.whisper.WhisperSegment;
import dev.scriptorium.whisper.WhisperWord;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How segments of packed speech land on the file's timeline. */
class SpeechStitchingTest {
    private static final double GAP = SpeechTimeline.GAP_SAMPLES / 16000.0;
    /** Speech at 10–12 s and 30–33 s of a 40 s file, packed into 5.3 s. */
    private static final SpeechTimeline TIMELINE = SpeechTimeline.packing(List.of(
            new AudioChunk(160_000, 192_000), new AudioChunk(480_000, 528_000)), 640_000);
    private static final List<AudioChunk> ONE_CHUNK = List.of(new AudioChunk(0, TIMELINE.packedSamples()));
    private static final JobOptions WITH_WORDS = new JobOptions(Optional.of("en"), JobOptions.Task.TRANSCRIBE, true);
    private final Transcriber transcriber = new Transcriber(new QuietChunker(30, 10));

    private List<TranscriptSegment> stitch(WhisperSegment heard, JobOptions options,
                                           Optional<SpeechProbabilities> speech) {
        return transcriber.stitch(ONE_CHUNK, List.of(List.of(heard)), 0, options, TIMELINE, speech);
    }

    @Test
    void aSegmentInsideOneRegionMovesToWhereThatRegionLies() {
        WhisperSegment heard = new WhisperSegment(2 + GAP + 0.5, 2 + GAP + 2.5, " Second part.",
                List.of(new WhisperWord(" Second", 2 + GAP + 0.5, 2 + GAP + 1.2, 0.9),
                        new WhisperWord(" part.", 2 + GAP + 1.2, 2 + GAP + 2.5, 0.8)), -0.2);

        List<TranscriptSegment> segments = stitch(heard, WITH_WORDS, Optional.empty());

        assertThat(segments).hasSize(1);
        assertThat(segments.get(0).start()).isCloseTo(30.5, offset(1e-9));
        assertThat(segments.get(0).end()).isCloseTo(32.5, offset(1e-9));
        assertThat(segments.get(0).words().get(1).start()).isCloseTo(31.2, offset(1e-9));
    }

    @Test
    void aSegmentWhoseWordsFallInTwoRegionsIsSplitBetweenThem() {
        WhisperSegment heard = new WhisperSegment(0.2, 4.0, " First words second words.",
                List.of(new WhisperWord(" First", 0.2, 0.8, 0.9), new WhisperWord(" words", 0.8, 1.9, 0.9),
                        new WhisperWord(" second", 2 + GAP + 0.1, 2 + GAP + 0.9, 0.9),
                        new WhisperWord(" words.", 2 + GAP + 0.9, 4.0, 0.9)), -0.2);

        List<TranscriptSegment> segments = stitch(heard, WITH_WORDS, Optional.empty());

        assertThat(segments).extracting(TranscriptSegment::text).containsExactly("First words", "second words.");
        assertThat(segments.get(0).start()).isCloseTo(10.2, offset(1e-9));
        assertThat(segments.get(0).end()).isCloseTo(11.9, offset(1e-9));
        assertThat(segments.get(1).start()).isCloseTo(30.1, offset(1e-9));
        assertThat(segments.get(1).end()).isCloseTo(31.7, offset(1e-9));
    }

    @Test
    void withoutWordsASegmentOverTwoRegionsStaysWhole() {
        WhisperSegment heard = new WhisperSegment(2 + GAP / 4, 4.0, " All of it.", List.of(), -0.2);

        List<TranscriptSegment> segments = stitch(heard, WITH_WORDS.withWordTimestamps(false), Optional.empty());

        assertThat(segments).hasSize(1);
        assertThat(segments.get(0).start()).as("a start in the silence moves to the next region")
                .isCloseTo(30.0, offset(1e-9));
        assertThat(segments.get(0).end()).isCloseTo(31.7, offset(1e-9));
    }

    @Test
    void aSegmentGetsOneMinusTheMeanSpeechProbabilityOverItsSpan() {
        float[] frames = new float[1250];
        Arrays.fill(frames, 0.9f);
        WhisperSegment heard = new WhisperSegment(0.0, 2.0, " Spoken.", List.of(), -0.2);

        List<TranscriptSegment> segments = stitch(heard, WITH_WORDS.withWordTimestamps(false),
                Optional.of(new SpeechProbabilities(frames)));

        assertThat(segments.get(0).noSpeechProb()).hasValueSatisfying(p -> assertThat(p).isCloseTo(0.1, offset(1e-6)));
        assertThat(segments.get(0).flags()).doesNotContain(SegmentFlag.NO_SPEECH);
    }

    @Test
    void aSegmentForcedOverNonSpeechIsFlaggedNoSpeech() {
        float[] frames = new float[1250];
        Arrays.fill(frames, 0.05f);
        WhisperSegment heard = new WhisperSegment(0.0, 2.0, " Thank you for watching.", List.of(), -0.2);

        List<TranscriptSegment> segments = transcriber.stitch(ONE_CHUNK, List.of(List.of(heard)), 0,
                WITH_WORDS.withWordTimestamps(false), SpeechTimeline.whole(640_000),
                Optional.of(new SpeechProbabilities(frames)));

        assertThat(segments.get(0).noSpeechProb()).hasValueSatisfying(p -> assertThat(p).isGreaterThan(0.8));
        assertThat(segments.get(0).flags()).contains(SegmentFlag.NO_SPEECH);
    }
}
