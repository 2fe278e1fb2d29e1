package dev.scriptorium.transcription;

import java.util.Locale;
import java.util.Optional;

/** The download formats of a transcript, with their media types and renderers. */
public enum TranscriptFormat {
    TXT("text/plain; charset=utf-8") {
        @Override
        public String render(Transcript transcript, CaptionOptions options) {
            return transcript.text() + "\n";
        }
    },
    SRT("application/x-subrip; charset=utf-8") {
        @Override
        public String render(Transcript transcript, CaptionOptions options) {
            StringBuilder out = new StringBuilder();
            int number = 1;
            for (CaptionLayout.Cue cue : new CaptionLayout(options).cues(transcript)) {
                out.append(number++).append('\n')
                        .append(timestamp(cue.start(), ',')).append(" --> ")
                        .append(timestamp(cue.end(), ',')).append('\n')
                        .append(String.join("\n", cue.lines())).append("\n\n");
            }
            return out.toString();
        }
    },
    VTT("text/vtt; charset=utf-8") {
        @Override
        public String render(Transcript transcript, CaptionOptions options) {
            StringBuilder out = new StringBuilder("WEBVTT\n\n");
            for (CaptionLayout.Cue cue : new CaptionLayout(options).cues(transcript)) {
                out.append(timestamp(cue.start(), '.')).append(" --> ")
                        .append(timestamp(cue.end(), '.')).append('\n');
                for (String line : cue.lines()) {
                    // "-->" would end the cue timing line early in a WebVTT parser; a longer run of dashes too.
                    out.append(line.replaceAll("--+>", "->")).append('\n');
                }
                out.append('\n');
            }
            return out.toString();
        }
    },
    /** Rendered by the web layer's JSON mapper; see {@code TranscriptView}. */
    JSON("application/json") {
        @Override
        public String render(Transcript transcript, CaptionOptions options) {
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

    /** Renders with the default caption layout. */
    public String render(Transcript transcript) {
        return render(transcript, CaptionOptions.DEFAULT);
    }

    /** @param options how SRT and WebVTT lay out their cues; the other formats ignore it */
    public abstract String render(Transcript transcript, CaptionOptions options);

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
}
