package dev.scriptorium.whisper;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Groups a segment's text tokens into words, as OpenAI's Whisper does for its word timestamps: a token that begins
 * with a space begins a word; a word of punctuation alone joins its neighbour (opening marks the word after,
 * everything else the word before). Tokens are joined as bytes before decoding, because byte-level BPE splits
 * multi-byte characters across tokens. Not thread-safe: one per segment.
 */
final class Words {
    /** Marks that belong to the word after them. */
    private static final String OPENING = "\"'“¿([{-«";

    /** A text token as whisper.cpp gives it: bytes, times in seconds from the audio's start, probability. */
    record Token(byte[] bytes, double start, double end, double probability) {
    }

    private record Draft(ByteArrayOutputStream bytes, double start, double end, List<Double> probabilities) {
        String text() {
            return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
        }
    }

    private Words() {
    }

    /**
     * @return the words in order, each inside [segmentStart, segmentEnd], none overlapping the one before; their
     *         texts joined give the tokens' text
     */
    static List<WhisperWord> fromTokens(List<Token> tokens, double segmentStart, double segmentEnd) {
        List<Draft> drafts = new ArrayList<>();
        for (Token token : tokens) {
            boolean startsWord = drafts.isEmpty() || token.bytes().length > 0 && token.bytes()[0] == ' ';
            if (startsWord) {
                drafts.add(new Draft(new ByteArrayOutputStream(), token.start(), token.end(), new ArrayList<>()));
            }
            Draft current = drafts.get(drafts.size() - 1);
            current.bytes().writeBytes(token.bytes());
            current.probabilities().add(token.probability());
            drafts.set(drafts.size() - 1, new Draft(current.bytes(), current.start(), token.end(),
                    current.probabilities()));
        }
        List<Draft> merged = mergePunctuation(drafts);
        List<WhisperWord> words = new ArrayList<>(merged.size());
        double previousEnd = segmentStart;
        for (Draft draft : merged) {
            double start = clamp(draft.start(), previousEnd, segmentEnd);
            double end = clamp(draft.end(), start, segmentEnd);
            double probability = draft.probabilities().stream().mapToDouble(Double::doubleValue).average().orElse(0);
            words.add(new WhisperWord(draft.text(), start, end, probability));
            previousEnd = end;
        }
        return words;
    }

    private static List<Draft> mergePunctuation(List<Draft> drafts) {
        List<Draft> merged = new ArrayList<>();
        Draft pendingOpening = null;
        for (Draft draft : drafts) {
            if (pendingOpening != null) {
                draft = join(pendingOpening, draft);
                pendingOpening = null;
            }
            String text = draft.text().strip();
            if (text.isEmpty() || isPunctuation(text)) {
                boolean opening = text.isEmpty() || OPENING.indexOf(text.charAt(text.length() - 1)) >= 0;
                if (opening || merged.isEmpty()) {
                    pendingOpening = draft;
                    continue;
                }
                merged.set(merged.size() - 1, join(merged.get(merged.size() - 1), draft));
                continue;
            }
            merged.add(draft);
        }
        if (pendingOpening != null) {
            if (merged.isEmpty()) {
                merged.add(pendingOpening);
            } else {
                merged.set(merged.size() - 1, join(merged.get(merged.size() - 1), pendingOpening));
            }
        }
        return merged;
    }

    private static Draft join(Draft first, Draft second) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(first.bytes().toByteArray());
        bytes.writeBytes(second.bytes().toByteArray());
        List<Double> probabilities = new ArrayList<>(first.probabilities());
        probabilities.addAll(second.probabilities());
        return new Draft(bytes, Math.min(first.start(), second.start()), Math.max(first.end(), second.end()),
                probabilities);
    }

    private static boolean isPunctuation(String text) {
        return text.codePoints().noneMatch(Character::isLetterOrDigit);
    }

    private static double clamp(double value, double min, double max) {
        return Math.max(min, Math.min(max, value));
    }
}
