package dev.scriptorium.transcription;

/**
 * How SRT and WebVTT cues are laid out: at most {@code maxLines} lines of at most {@code maxLineChars} characters.
 * The defaults follow common broadcast subtitle guidelines (42 characters, two lines, seven seconds).
 */
public record CaptionOptions(int maxLineChars, int maxLines) {
    /** The range accepted for {@code max_line_chars}: narrower lines would hold hardly a word, wider ones no screen. */
    public static final int MIN_LINE_CHARS = 10;
    public static final int MAX_LINE_CHARS = 200;
    /** The range accepted for {@code max_lines}: more lines would cover the picture. */
    public static final int MIN_LINES = 1;
    public static final int MAX_LINES = 10;
    /** Longer cues stay on screen after they were read; fixed, as few users would want to change it. */
    public static final double MAX_CUE_SECONDS = 7.0;

    public static final CaptionOptions DEFAULT = new CaptionOptions(42, 2);

    /** @throws IllegalArgumentException when a value is outside its range, naming the parameter */
    public CaptionOptions {
        if (maxLineChars < MIN_LINE_CHARS || maxLineChars > MAX_LINE_CHARS) {
            throw invalid("max_line_chars", MIN_LINE_CHARS, MAX_LINE_CHARS, String.valueOf(maxLineChars));
        }
        if (maxLines < MIN_LINES || maxLines > MAX_LINES) {
            throw invalid("max_lines", MIN_LINES, MAX_LINES, String.valueOf(maxLines));
        }
    }

    /**
     * Reads the query values; null or blank means the default.
     *
     * @throws IllegalArgumentException with a message naming the parameter and what it accepts
     */
    public static CaptionOptions parse(String maxLineChars, String maxLines) {
        return new CaptionOptions(
                parseInt("max_line_chars", maxLineChars, DEFAULT.maxLineChars(), MIN_LINE_CHARS, MAX_LINE_CHARS),
                parseInt("max_lines", maxLines, DEFAULT.maxLines(), MIN_LINES, MAX_LINES));
    }

    private static int parseInt(String name, String value, int fallback, int min, int max) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException notANumber) {
            // Reported below with the range, like an out-of-range number.
        }
        throw invalid(name, min, max, "'" + abbreviate(value) + "'");
    }

    private static IllegalArgumentException invalid(String name, int min, int max, String shown) {
        return new IllegalArgumentException(
                name + " must be a whole number from " + min + " to " + max + ", but was " + shown);
    }

    private static String abbreviate(String value) {
        return value.length() <= 20 ? value : value.substring(0, 20) + "...";
    }
}
