package dev.scriptorium.whisper;

import java.util.List;

/**
 * What Whisper's language detection found: the most likely language and the next candidates, most likely first.
 */
public record DetectedLanguage(String code, double probability, List<Candidate> alternatives) {
    public DetectedLanguage {
        alternatives = List.copyOf(alternatives);
    }

    /** A language with its probability, in (0, 1]. */
    public record Candidate(String code, double probability) {
    }
}
