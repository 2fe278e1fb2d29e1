package dev.scriptorium.transcription;

import static dev.scriptorium.transcription.SpokenWords.spoken;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TranscriptFormatTest {
    private final Transcript transcript = new Transcript(UUID.randomUUID(), List.of(
            new TranscriptSegment(0.0, 2.5, " Hello there."),
            new TranscriptSegment(2.5, 3661.007, "Line one\n\nline two --> three")), "model.bin", Instant.EPOCH);

    @Test
    void srtNumbersCuesAndUsesCommaMilliseconds() {
        assertThat(TranscriptFormat.SRT.render(transcript)).isEqualTo(
                "1\n00:00:00,000 --> 00:00:02,500\nHello there.\n\n"
                        + "2\n00:00:02,500 --> 01:01:01,007\nLine one line two --> three\n\n");
    }

    @Test
    void vttHasItsHeaderAndNeverAnArrowInsideCueText() {
        String vtt = TranscriptFormat.VTT.render(transcript);
        assertThat(vtt).startsWith("WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nHello there.\n\n");
        assertThat(vtt).contains("Line one line two -> three");
    }

    @Test
    void txtIsTheWholeTextJoinedBySpaces() {
        assertThat(TranscriptFormat.TXT.render(transcript)).isEqualTo("Hello there. Line one\n\nline two --> three\n");
    }

    @Test
    void formatNamesAreParsedCaseInsensitivelyAndJsonIsTheDefault() {
        assertThat(TranscriptFormat.parse("SRT")).contains(TranscriptFormat.SRT);
        assertThat(TranscriptFormat.parse(null)).contains(TranscriptFormat.JSON);
        assertThat(TranscriptFormat.parse("docx")).isEmpty();
    }

    private final Transcript spokenTranscript = SpokenWords.transcript(
            new TranscriptSegment(0.0, 1.5, "Stored before words."),
            spoken(2.0, "Captions are read, not heard. | So each cue --> keeps to a couple of short lines,"
                    + " and leaves the screen before it bores anyone; | the words never break in two."),
            spoken(20.0, "Pneumonoultramicroscopicsilicovolcanoconiosis is a word ---> too long for any line!"));

    @Test
    void srtFromWordsLaysThemOutInCuesOfBalancedLines() {
        Transcript transcript = SpokenWords.transcript(spoken(0, "Hello there. General Kenobi!"));

        assertThat(TranscriptFormat.SRT.render(transcript, new CaptionOptions(12, 2))).isEqualTo(
                "1\n00:00:00,000 --> 00:00:00,700\nHello there.\n\n"
                        + "2\n00:00:00,800 --> 00:00:01,500\nGeneral\nKenobi!\n\n");
    }

    @Test
    void srtFromWordsParsesStrictlyWithOrderedTimes() {
        CaptionOptions options = new CaptionOptions(30, 2);

        List<ParsedCue> cues = parseCues(TranscriptFormat.SRT.render(spokenTranscript, options), ',', options);

        assertThat(cues).hasSizeGreaterThan(3);
        assertOrdered(cues);
    }

    @Test
    void vttFromWordsParsesStrictlyWithOrderedTimes() {
        CaptionOptions options = new CaptionOptions(20, 3);
        String vtt = TranscriptFormat.VTT.render(spokenTranscript, options);

        assertThat(vtt).startsWith("WEBVTT\n\n");
        List<ParsedCue> cues = parseCues(vtt.substring("WEBVTT\n\n".length()), '.', options);

        assertThat(cues).hasSizeGreaterThan(3);
        assertOrdered(cues);
        assertThat(cues).flatMap(ParsedCue::lines).noneMatch(line -> line.contains("-->"));
    }

    @Test
    void renderWithoutOptionsLaysCuesOutWithTheDefaults() {
        assertThat(TranscriptFormat.SRT.render(spokenTranscript))
                .isEqualTo(TranscriptFormat.SRT.render(spokenTranscript, CaptionOptions.DEFAULT));
        assertThat(TranscriptFormat.TXT.render(spokenTranscript, new CaptionOptions(10, 1)))
                .isEqualTo(TranscriptFormat.TXT.render(spokenTranscript));
    }

    @Test
    void vttFoldsALongerRunOfDashesBeforeAnArrowToo() {
        Transcript dashes = new Transcript(UUID.randomUUID(), List.of(new TranscriptSegment(0, 1, "a ---> b")),
                "model.bin", Instant.EPOCH);

        assertThat(TranscriptFormat.VTT.render(dashes)).contains("\na -> b\n");
    }

    private record ParsedCue(long startMillis, long endMillis, List<String> lines) {
    }

    /**
     * Reads SRT (numbered cues, comma milliseconds) or WebVTT cues after the header (dot milliseconds) as strictly
     * as a picky player: a timing line, one to maxLines lines of text, a blank line, nothing else.
     */
    private static List<ParsedCue> parseCues(String text, char separator, CaptionOptions options) {
        boolean numbered = separator == ',';
        String time = "(\\d{2,}):([0-5]\\d):([0-5]\\d)" + Pattern.quote(String.valueOf(separator)) + "(\\d{3})";
        Pattern timing = Pattern.compile(time + " --> " + time);
        String[] lines = text.split("\n", -1);
        assertThat(lines[lines.length - 1]).as("the text ends with a line break").isEmpty();
        List<ParsedCue> cues = new ArrayList<>();
        int i = 0;
        while (i < lines.length - 1) {
            if (numbered) {
                assertThat(lines[i++]).as("cue number").isEqualTo(String.valueOf(cues.size() + 1));
            }
            Matcher times = timing.matcher(lines[i++]);
            assertThat(times.matches()).as("timing line '%s'", lines[i - 1]).isTrue();
            List<String> cueLines = new ArrayList<>();
            while (!lines[i].isEmpty()) {
                cueLines.add(lines[i++]);
            }
            i++;
            assertThat(cueLines).as("lines of cue %d", cues.size() + 1).hasSizeBetween(1, options.maxLines());
            cues.add(new ParsedCue(millis(times, 1), millis(times, 5), cueLines));
        }
        return cues;
    }

    private static long millis(Matcher times, int group) {
        return ((Long.parseLong(times.group(group)) * 60 + Long.parseLong(times.group(group + 1))) * 60
                + Long.parseLong(times.group(group + 2))) * 1000 + Long.parseLong(times.group(group + 3));
    }

    private static void assertOrdered(List<ParsedCue> cues) {
        long previousEnd = 0;
        for (ParsedCue cue : cues) {
            assertThat(cue.startMillis()).as("start of %s", cue).isGreaterThanOrEqualTo(previousEnd);
            assertThat(cue.endMillis()).as("end of %s", cue).isGreaterThanOrEqualTo(cue.startMillis());
            previousEnd = cue.endMillis();
        }
    }
}
