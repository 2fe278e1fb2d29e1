package dev.scriptorium.correction;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scriptorium.transcription.TranscriptWord;
import java.util.List;
import org.junit.jupiter.api.Test;

class WordTimingsTest {
    private static final List<TranscriptWord> WHISPER = List.of(
            new TranscriptWord(" thanks", 1.0, 1.4, 0.9),
            new TranscriptWord(" um", 1.4, 1.6, 0.5),
            new TranscriptWord(" mister", 1.6, 2.0, 0.8),
            new TranscriptWord(" smith", 2.0, 2.5, 0.4));

    @Test
    void aFixedCapitalPunctuationAndADeletedFillerKeepEveryWordsTime() {
        List<TranscriptWord> words = WordTimings.carriedOver(WHISPER, "Thanks, Mister Smith.").orElseThrow();

        assertThat(words).extracting(TranscriptWord::text).containsExactly(" Thanks,", " Mister", " Smith.");
        assertThat(words).extracting(TranscriptWord::start).containsExactly(1.0, 1.6, 2.0);
        assertThat(words).extracting(TranscriptWord::end).containsExactly(1.4, 2.0, 2.5);
    }

    @Test
    void aWordThatWasNeverSaidLeavesNoWordTimings() {
        assertThat(WordTimings.carriedOver(WHISPER, "thanks Ms Okonkwo")).isEmpty();
    }

    @Test
    void punctuationStandingAloneJoinsTheWordBeforeIt() {
        List<TranscriptWord> words = WordTimings.carriedOver(WHISPER, "thanks - smith !").orElseThrow();

        assertThat(words).extracting(TranscriptWord::text).containsExactly(" thanks -", " smith !");
    }

    @Test
    void aSegmentWithoutWordsKeepsOnlyItsSpan() {
        assertThat(WordTimings.carriedOver(List.of(), "something new")).isEmpty();
        assertThat(WordTimings.carriedOver(WHISPER, "   ")).contains(List.of());
    }
}
