package dev.scriptorium.transcription;

import static dev.scriptorium.transcription.SpokenWords.segment;
import static dev.scriptorium.transcription.SpokenWords.spoken;
import static dev.scriptorium.transcription.SpokenWords.transcript;
import static dev.scriptorium.transcription.SpokenWords.word;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scriptorium.transcription.CaptionLayout.Cue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CaptionLayoutTest {
    private static final String SPEECH = "So the thing about captions is that nobody notices them until they are"
            + " wrong, and then everybody does. | A line that is too long runs off the screen; a cue that stays too"
            + " long makes people wait. | Good captions break where the speaker breaks: at the end of a sentence,"
            + " at a comma, or where they stop for breath.";

    @Test
    void noLineIsLongerThanMaxLineChars() {
        List<Cue> cues = cues(transcript(spoken(0, SPEECH)), 20, 2);

        assertThat(cues).flatMap(Cue::lines).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(20));
    }

    @Test
    void noCueHasMoreLinesThanMaxLines() {
        List<Cue> cues = cues(transcript(spoken(0, SPEECH)), 12, 3);

        assertThat(cues).allSatisfy(cue -> assertThat(cue.lines()).hasSizeBetween(1, 3));
        assertThat(cues).anySatisfy(cue -> assertThat(cue.lines()).hasSize(3));
    }

    @Test
    void noCueLastsLongerThanSevenSeconds() {
        List<TranscriptWord> slowWords = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            slowWords.add(word(" word", i, i + 0.8));
        }

        List<Cue> cues = cues(transcript(segment(slowWords)), 200, 10);

        assertThat(cues).hasSizeGreaterThan(1).allSatisfy(
                cue -> assertThat(cue.end() - cue.start()).isLessThanOrEqualTo(CaptionOptions.MAX_CUE_SECONDS));
    }

    @Test
    void aWordLongerThanALineStandsWholeOnALineOfItsOwn() {
        List<Cue> cues = cues(transcript(spoken(0, "a supercalifragilisticexpialidocious b")), 10, 3);

        assertThat(cues).singleElement().extracting(Cue::lines)
                .isEqualTo(List.of("a", "supercalifragilisticexpialidocious", "b"));
    }

    @Test
    void aWordLongerThanSevenSecondsIsACueOfItsOwn() {
        List<Cue> cues = cues(transcript(segment(List.of(
                word(" Um,", 0.0, 0.2), word(" sooooo", 0.3, 8.5), word(" well.", 8.6, 8.9)))), 42, 2);

        assertThat(cues).extracting(Cue::lines)
                .containsExactly(List.of("Um,"), List.of("sooooo"), List.of("well."));
        assertThat(cues.get(1)).extracting(Cue::start, Cue::end).containsExactly(0.3, 8.5);
    }

    @Test
    void everyWordAppearsWholeInExactlyOneCueInOrder() {
        Random random = new Random(42);
        List<TranscriptSegment> segments = new ArrayList<>();
        List<String> allWords = new ArrayList<>();
        double time = 0;
        for (int s = 0; s < 20; s++) {
            List<TranscriptWord> words = new ArrayList<>();
            int count = 1 + random.nextInt(25);
            for (int w = 0; w < count; w++) {
                String text = "w" + allWords.size() + "x".repeat(random.nextInt(random.nextInt(10) == 0 ? 60 : 8))
                        + List.of("", "", "", ",", ".", "?\"", ";").get(random.nextInt(7));
                double duration = random.nextInt(30) == 0 ? 8 : 0.1 + random.nextDouble();
                words.add(word(" " + text, time, time + duration));
                allWords.add(text);
                time += duration + random.nextDouble() * (random.nextBoolean() ? 0.1 : 2);
            }
            segments.add(segment(words));
        }
        Transcript transcript = transcript(segments.toArray(TranscriptSegment[]::new));

        for (CaptionOptions options : List.of(new CaptionOptions(10, 1), CaptionOptions.DEFAULT,
                new CaptionOptions(15, 3), new CaptionOptions(200, 10))) {
            List<String> cuedWords = new CaptionLayout(options).cues(transcript).stream()
                    .flatMap(cue -> cue.lines().stream()).flatMap(line -> Arrays.stream(line.split(" "))).toList();
            assertThat(cuedWords).as("words cued with %s", options).isEqualTo(allWords);
        }
    }

    @Test
    void aSentenceEndIsPreferredOverALaterCommaAndALongerPause() {
        List<Cue> cues = cues(transcript(spoken(0, "One two. Three, four | five six seven")), 20, 1);

        assertThat(cues.get(0).lines()).containsExactly("One two.");
    }

    @Test
    void aSentenceEndBeforeAClosingQuoteCountsAsASentenceEnd() {
        List<Cue> cues = cues(transcript(spoken(0, "He said \"stop!\" and, | then left us")), 20, 1);

        assertThat(cues.get(0).lines()).containsExactly("He said \"stop!\"");
    }

    @Test
    void aCommaIsPreferredOverALongerPause() {
        List<Cue> cues = cues(transcript(spoken(0, "One two, three | four five")), 20, 1);

        assertThat(cues.get(0).lines()).containsExactly("One two,");
    }

    @Test
    void withoutPunctuationACueEndsAtTheLongestPause() {
        List<Cue> cues = cues(transcript(spoken(0, "one two | three four five six")), 20, 1);

        assertThat(cues.get(0).lines()).containsExactly("one two");
    }

    @Test
    void withoutPunctuationOrPausesEachCueIsFilledToTheLimit() {
        List<Cue> cues = cues(transcript(spoken(0, "one two three four five six")), 20, 1);

        assertThat(cues).extracting(Cue::lines)
                .containsExactly(List.of("one two three four"), List.of("five six"));
    }

    @Test
    void aCueThatFitsIsNotBrokenAtItsSentenceEnds() {
        List<Cue> cues = cues(transcript(spoken(0, "Hello. How are you?")), 42, 2);

        assertThat(cues).extracting(Cue::lines).containsExactly(List.of("Hello. How are you?"));
    }

    @Test
    void aCueRunsFromTheStartOfItsFirstWordToTheEndOfItsLast() {
        List<Cue> cues = cues(transcript(segment(List.of(
                word(" Hello", 1.25, 1.5), word(" again.", 1.75, 2.125)))), 42, 2);

        assertThat(cues).singleElement().extracting(Cue::start, Cue::end).containsExactly(1.25, 2.125);
    }

    @Test
    void twoLinesAreBalancedRatherThanAFullLineOverAStub() {
        List<Cue> cues = cues(transcript(spoken(0, "The quick brown fox jumps over the lazy dog and runs away")),
                42, 2);

        assertThat(cues).singleElement().extracting(Cue::lines)
                .isEqualTo(List.of("The quick brown fox jumps over", "the lazy dog and runs away"));
    }

    @Test
    void consecutiveSegmentsWithWordsFlowIntoOneCue() {
        List<Cue> cues = cues(transcript(spoken(0, "Right, so"), spoken(1, "where were we?")), 42, 2);

        assertThat(cues).extracting(Cue::lines).containsExactly(List.of("Right, so where were we?"));
    }

    @Test
    void aSegmentWithoutWordsKeepsItsOneCueOnOneLine() {
        List<Cue> cues = cues(transcript(new TranscriptSegment(1.0, 3.5, " Stored before\n\nwords existed ")), 10, 1);

        assertThat(cues).containsExactly(new Cue(1.0, 3.5, List.of("Stored before words existed")));
    }

    @Test
    void segmentsWithAndWithoutWordsAreCuedInTimeOrder() {
        List<Cue> cues = cues(transcript(
                new TranscriptSegment(0.0, 2.0, "Old one."),
                spoken(2.5, "New one."),
                new TranscriptSegment(4.0, 5.0, "Old two.")), 42, 2);

        assertThat(cues).extracting(Cue::lines)
                .containsExactly(List.of("Old one."), List.of("New one."), List.of("Old two."));
    }

    @Test
    void wordsWithLineBreaksNeverMakeABlankLine() {
        List<Cue> cues = cues(transcript(segment(List.of(
                word(" one\n\n", 0, 0.3), word("\n two\u2028\u2028", 0.4, 0.7), word(" three\r\n", 0.8, 1.0)))), 42, 2);

        assertThat(cues).extracting(Cue::lines).containsExactly(List.of("one two three"));
    }

    private static List<Cue> cues(Transcript transcript, int maxLineChars, int maxLines) {
        return new CaptionLayout(new CaptionOptions(maxLineChars, maxLines)).cues(transcript);
    }
}
