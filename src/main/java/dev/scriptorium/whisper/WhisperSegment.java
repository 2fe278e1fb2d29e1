package dev.scriptorium.whisper;

import java.util.List;

/**
 * A segment as whisper.cpp returns it: times in seconds from the start of the audio it was given, its words (empty
 * when word timestamps were off), and the mean log probability of its text tokens (null when it has none, or for a
 * checkpoint written before words existed).
 */
public record WhisperSegment(double start, double end, String text, List<WhisperWord> words, Double avgLogprob) {
    public WhisperSegment {
        words = words == null ? List.of() : List.copyOf(words);
    }

    public WhisperSegment(double start, double end, String text) {
        this(start, end, text, List.of(), null);
    }
}
