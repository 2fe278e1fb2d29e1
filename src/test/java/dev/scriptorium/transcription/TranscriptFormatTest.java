package dev.scriptorium.transcription;

import static dev.scriptorium.transcription.SpokenWords.spoken;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scriptorium.testing.StrictCaptions;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
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

        List<StrictCaptions.Cue> cues = StrictCaptions.parse(TranscriptFormat.SRT.render(spokenTranscript, options),
                ',', options.maxLines());

        assertThat(cues).hasSizeGreaterThan(3);
        StrictCaptions.assertOrdered(cues);
    }

    @Test
    void vttFromWordsParsesStrictlyWithOrderedTimes() {
        CaptionOptions options = new CaptionOptions(20, 3);
        String vtt = TranscriptFormat.VTT.render(spokenTranscript, options);

        assertThat(vtt).startsWith("WEBVTT\n\n");
        List<StrictCaptions.Cue> cues = StrictCaptions.parse(vtt.substring("WEBVTT\n\n".length()), '.',
                options.maxLines());

        assertThat(cues).hasSizeGreaterThan(3);
        StrictCaptions.assertOrdered(cues);
        assertThat(cues).flatMap(StrictCaptions.Cue::lines).noneMatch(line -> line.contains("-->"));
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
}
