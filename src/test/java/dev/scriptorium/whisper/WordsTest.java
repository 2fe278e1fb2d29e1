package dev.scriptorium.whisper;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class WordsTest {
    private static Words.Token token(String text, double start, double end, double probability) {
        return new Words.Token(text.getBytes(StandardCharsets.UTF_8), start, end, probability);
    }

    @Test
    void aTokenWithALeadingSpaceBeginsAWordAndTheRestJoinIt() {
        List<WhisperWord> words = Words.fromTokens(List.of(token(" Amer", 0, 0.2, 0.8), token("icans", 0.2, 0.5, 0.6),
                token(" ask", 0.6, 0.9, 1.0)), 0, 1);

        assertThat(words).extracting(WhisperWord::text).containsExactly(" Americans", " ask");
        assertThat(words.get(0).start()).isEqualTo(0);
        assertThat(words.get(0).end()).isEqualTo(0.5);
        assertThat(words.get(0).probability()).isCloseTo(0.7, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void punctuationJoinsTheWordBeforeAndOpeningMarksTheWordAfter() {
        List<WhisperWord> words = Words.fromTokens(List.of(token(" ask", 0, 0.3, 1), token(" ,", 0.3, 0.4, 1),
                token(" \"", 0.4, 0.5, 1), token(" not", 0.5, 0.8, 1), token(".", 0.8, 0.9, 1)), 0, 1);

        assertThat(words).extracting(WhisperWord::text).containsExactly(" ask ,", " \" not.");
    }

    @Test
    void aCharacterSplitAcrossTokensIsDecodedWhole() {
        byte[] e = "é".getBytes(StandardCharsets.UTF_8);
        List<WhisperWord> words = Words.fromTokens(List.of(
                new Words.Token(new byte[] {' ', 'c', 'a', 'f', e[0]}, 0, 0.2, 1),
                new Words.Token(Arrays.copyOfRange(e, 1, 2), 0.2, 0.4, 1)), 0, 1);

        assertThat(words).extracting(WhisperWord::text).containsExactly(" café");
    }

    @Test
    void wordsAreKeptInOrderInsideTheSegmentWhateverTheTokenTimesSay() {
        List<WhisperWord> words = Words.fromTokens(List.of(token(" one", 0.5, 2.5, 1), token(" two", 0.2, 0.4, 1)),
                1, 2);

        assertThat(words.get(0).start()).isEqualTo(1);
        assertThat(words.get(0).end()).isEqualTo(2);
        assertThat(words.get(1).start()).isEqualTo(2);
        assertThat(words.get(1).end()).isEqualTo(2);
    }
}
