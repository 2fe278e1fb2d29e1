package dev.scriptorium.transcription;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentFlagTest {
    private static final List<TranscriptWord> WORDS = List.of(new TranscriptWord(" Hello", 0, 0.5, 0.9));

    @Test
    void aSegmentThatRepeatsItselfIsFlaggedRepetition() {
        String text = "Thank you. ".repeat(20).strip();
        TranscriptSegment segment = new TranscriptSegment(0, 10, text, WORDS, -0.3);

        assertThat(segment.compressionRatio()).hasValueSatisfying(ratio -> assertThat(ratio).isGreaterThan(2.4));
        assertThat(segment.flags()).containsExactly(SegmentFlag.REPETITION);
    }

    @Test
    void anOrdinarySentenceRaisesNoFlag() {
        TranscriptSegment segment = new TranscriptSegment(0, 3, "And so, my fellow Americans, ask not.", WORDS, -0.2);

        assertThat(segment.compressionRatio()).hasValueSatisfying(ratio -> assertThat(ratio).isLessThan(2.4));
        assertThat(segment.flags()).isEmpty();
    }

    @Test
    void aMeanLogProbabilityBelowMinusOneIsLowConfidence() {
        assertThat(new TranscriptSegment(0, 1, "Hello.", WORDS, -1.2).flags())
                .containsExactly(SegmentFlag.LOW_CONFIDENCE);
        assertThat(new TranscriptSegment(0, 1, "Hello.", WORDS, -1.0).flags()).isEmpty();
    }

    @Test
    void blankTextIsEmpty() {
        assertThat(new TranscriptSegment(0, 1, "  ", List.of(), null).flags()).containsExactly(SegmentFlag.EMPTY);
    }

    @Test
    void confidenceIsTheMeanWordProbability() {
        TranscriptSegment segment = new TranscriptSegment(0, 1, "Hello there", List.of(
                new TranscriptWord(" Hello", 0, 0.5, 0.9), new TranscriptWord(" there", 0.5, 1, 0.5)), -0.4);

        assertThat(segment.confidence()).hasValueSatisfying(confidence ->
                assertThat(confidence).isCloseTo(0.7, org.assertj.core.data.Offset.offset(1e-9)));
    }

    @Test
    void aSegmentStoredBeforeWordsExistedHasNoMeasuresAndNoFlags() {
        TranscriptSegment segment = new TranscriptSegment(0, 1, "Hello.", null, null);

        assertThat(segment.words()).isEmpty();
        assertThat(segment.confidence()).isEmpty();
        assertThat(segment.avgLogprob()).isEmpty();
        assertThat(segment.flags()).isEmpty();
    }

    @Test
    void aSegmentWhereSpeechDetectionHeardNoSpeechIsFlaggedNoSpeech() {
        TranscriptSegment overMusic = new TranscriptSegment(0, 5, "Thank you for watching.", WORDS, -0.3)
                .withNoSpeechProb(0.93);
        TranscriptSegment overSpeech = new TranscriptSegment(0, 5, "And so, my fellow Americans.", WORDS, -0.3)
                .withNoSpeechProb(0.1);

        assertThat(overMusic.flags()).containsExactly(SegmentFlag.NO_SPEECH);
        assertThat(overSpeech.flags()).isEmpty();
    }
}
