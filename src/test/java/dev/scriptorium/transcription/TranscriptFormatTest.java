package dev.scriptorium.transcription;

import static org.assertj.core.api.Assertions.assertThat;

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
}
