package dev.scriptorium.transcription;

import java.util.Locale;
import java.util.Optional;

/** The download formats of a transcript, with their media types and renderers. */
public enum TranscriptFormat {
    TXT("text/plain; charset=utf-8") {
        @Override
        public String render(Transcript transcript) {
            return transcript.text() + "\n";
        }
    },
    SRT("application/x-subrip; charset=utf-8") {
        @Override
        public String render(Transcript transcript) {
            StringBuilder out = new StringBuilder();
            int number = 1;
            for (TranscriptSegment segment : transcript.segments()) {
                out.append(number++).append('\n')
                        .append(timestamp(segment.start(), ',')).append(" --> ")
                        .append(timestamp(segment.end(), ',')).append('\n')
                        .append(cueText(segment.text())).append("\n\n");
            }
            return out.toString();
        }
    },
    VTT("text/vtt; charset=utf-8") {
        @Override
        public String render(Transcript transcript) {
            StringBuilder out = new StringBuilder("WEBVTT\n\n");
            for (TranscriptSegment segment : transcript.segments()) {
                out.append(timestamp(segment.start(), '.')).append(" --> ")
                        .append(timestamp(segment.end(), '.')).append('\n')
                        // "-->" would end the cue timing line early in a WebVTT parser.
                        .append(cueText(segment.text()).replace("-->", "->")).append("\n\n");
            }
            return out.toString();
        }
    },
    /** Rendered by the web layer's JSON mapper; see {@code TranscriptView}. */
    JSON("application/json") {
        @Override
        public String render(Transcript transcript) {
            throw new UnsupportedOperationException("JSON is rendered by the web layer");
        }
    };

    private final String mediaType;

    TranscriptFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    public String extension() {
        return name().toLowerCase(Locale.ROOT);
    }

    public abstract String render(Transcript transcript);

    public static Optional<TranscriptFormat> parse(String value) {
        if (value == null || value.isBlank()) {
            return Optional.of(JSON);
        }
        for (TranscriptFormat format : values()) {
            if (format.extension().equalsIgnoreCase(value.trim())) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }

    /** HH:MM:SS,mmm (SRT) or HH:MM:SS.mmm (WebVTT). */
    static String timestamp(double seconds, char separator) {
        long millis = Math.round(seconds * 1000);
        return String.format(Locale.ROOT, "%02d:%02d:%02d%c%03d", millis / 3_600_000, (millis / 60_000) % 60,
                (millis / 1000) % 60, separator, millis % 1000);
    }

    /** Blank lines end a cue in both formats, so they are folded away. */
    private static String cueText(String text) {
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
