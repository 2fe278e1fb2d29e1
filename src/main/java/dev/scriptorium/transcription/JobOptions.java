package dev.scriptorium.transcription;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What the user asked for: the spoken language (empty: detect it), the task, whether each segment carries its
 * words with their times, whether Whisper hears only where speech detection finds speech ({@code vad}), and a
 * prompt (Whisper's initial prompt: names, spellings and style for it to follow).
 */
public record JobOptions(Optional<String> language, Task task, boolean wordTimestamps, boolean vad,
                         Optional<String> prompt) {
    /** Longer prompts would crowd out what Whisper hears: it keeps only the last 224 tokens of one anyway. */
    public static final int MAX_PROMPT_CHARS = 1000;

    /** Options with word timestamps and speech detection on, their defaults. */
    public JobOptions(Optional<String> language, Task task) {
        this(language, task, true, true, Optional.empty());
    }

    public JobOptions(Optional<String> language, Task task, boolean wordTimestamps) {
        this(language, task, wordTimestamps, true, Optional.empty());
    }

    public JobOptions(Optional<String> language, Task task, boolean wordTimestamps, boolean vad) {
        this(language, task, wordTimestamps, vad, Optional.empty());
    }

    /** The same options with the language pinned (a detected one, so that every chunk uses it). */
    public JobOptions withLanguage(String code) {
        return new JobOptions(Optional.of(code), task, wordTimestamps, vad, prompt);
    }

    public JobOptions withWordTimestamps(boolean on) {
        return new JobOptions(language, task, on, vad, prompt);
    }

    public JobOptions withVad(boolean on) {
        return new JobOptions(language, task, wordTimestamps, on, prompt);
    }

    /**
     * The same options with a prompt; blank means none.
     *
     * @throws IllegalArgumentException if it is longer than {@link #MAX_PROMPT_CHARS}
     */
    public JobOptions withPrompt(String text) {
        if (text == null || text.isBlank()) {
            return new JobOptions(language, task, wordTimestamps, vad, Optional.empty());
        }
        if (text.length() > MAX_PROMPT_CHARS) {
            throw new IllegalArgumentException("prompt must be at most " + MAX_PROMPT_CHARS + " characters, but has "
                    + text.length());
        }
        return new JobOptions(language, task, wordTimestamps, vad, Optional.of(text.strip()));
    }

    /** Whisper's language codes (ISO 639-1 plus a few it adds), accepted for {@code language}. */
    private static final Set<String> LANGUAGES = Set.of(
            "en", "zh", "de", "es", "ru", "ko", "fr", "ja", "pt", "tr", "pl", "ca", "nl", "ar", "sv", "it", "id",
            "hi", "fi", "vi", "he", "uk", "el", "ms", "cs", "ro", "da", "hu", "ta", "no", "th", "ur", "hr", "bg",
            "lt", "la", "mi", "ml", "cy", "sk", "te", "fa", "lv", "bn", "sr", "az", "sl", "kn", "et", "mk", "br",
            "eu", "is", "hy", "ne", "mn", "bs", "kk", "sq", "sw", "gl", "mr", "pa", "si", "km", "sn", "yo", "so",
            "af", "oc", "ka", "be", "tg", "sd", "gu", "am", "yi", "lo", "uz", "fo", "ht", "ps", "tk", "nn", "mt",
            "sa", "lb", "my", "bo", "tl", "mg", "as", "tt", "haw", "ln", "ha", "ba", "jw", "su", "yue");

    public enum Task {
        TRANSCRIBE, TRANSLATE;

        public String apiName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Reads the form values; blank means the default (auto language, transcribe).
     *
     * @throws IllegalArgumentException with a message telling the user what to send instead
     */
    public static JobOptions parse(String language, String task) {
        Optional<String> parsedLanguage = Optional.empty();
        if (language != null && !language.isBlank() && !language.trim().equalsIgnoreCase("auto")) {
            String code = language.trim().toLowerCase(Locale.ROOT);
            if (!LANGUAGES.contains(code)) {
                throw new IllegalArgumentException("language must be 'auto' or a Whisper language code such as "
                        + "'en', 'de' or 'fr', but was '" + abbreviate(language) + "'");
            }
            parsedLanguage = Optional.of(code);
        }
        Task parsedTask = Task.TRANSCRIBE;
        if (task != null && !task.isBlank()) {
            switch (task.trim().toLowerCase(Locale.ROOT)) {
                case "transcribe": parsedTask = Task.TRANSCRIBE; break;
                case "translate": parsedTask = Task.TRANSLATE; break;
                default: throw new IllegalArgumentException("task must be 'transcribe' or 'translate' (to English),"
                        + " but was '" + abbreviate(task) + "'");
            }
        }
        return new JobOptions(parsedLanguage, parsedTask);
    }

    /**
     * Reads an on/off form value; blank means {@code fallback}.
     *
     * @throws IllegalArgumentException naming the field and what it accepts
     */
    public static boolean parseSwitch(String field, String value, boolean fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true": case "1": case "on": case "yes": return true;
            case "false": case "0": case "off": case "no": return false;
            default: throw new IllegalArgumentException(field + " must be true or false, but was '"
                    + abbreviate(value) + "'");
        }
    }

    private static String abbreviate(String value) {
        return value.length() <= 20 ? value : value.substring(0, 20) + "...";
    }
}
