package dev.scriptorium.transcription;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Hand-made transcripts with known word times: each word lasts 0.3 s and the next starts 0.1 s after it, or a
 * whole second after it where the text has a {@code |}, so that tests can place pauses where they need one.
 */
final class SpokenWords {
    static final double WORD_SECONDS = 0.3;
    static final double GAP_SECONDS = 0.1;
    static final double PAUSE_SECONDS = 1.0;

    private SpokenWords() {
    }

    static Transcript transcript(TranscriptSegment... segments) {
        return new Transcript(UUID.randomUUID(), List.of(segments), "model.bin", Instant.EPOCH);
    }

    /** A segment whose words, split at spaces, are spoken from {@code start} on; {@code |} marks a pause. */
    static TranscriptSegment spoken(double start, String text) {
        List<TranscriptWord> words = new ArrayList<>();
        double next = start;
        for (String token : text.trim().split(" +")) {
            if (token.equals("|")) {
                next += PAUSE_SECONDS - GAP_SECONDS;
                continue;
            }
            words.add(word(" " + token, next, next + WORD_SECONDS));
            next += WORD_SECONDS + GAP_SECONDS;
        }
        return segment(words);
    }

    static TranscriptSegment segment(List<TranscriptWord> words) {
        StringBuilder text = new StringBuilder();
        words.forEach(word -> text.append(word.text()));
        return new TranscriptSegment(words.get(0).start(), words.get(words.size() - 1).end(), text.toString(),
                words, -0.2);
    }

    static TranscriptWord word(String text, double start, double end) {
        return new TranscriptWord(text, start, end, 0.9);
    }
}
