package dev.scriptorium.correction;

import dev.scriptorium.transcription.TranscriptWord;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Carries Whisper's word timings over to an edited segment. The edited words are lined up with the original ones
 * (longest common subsequence, comparing words without case and punctuation). Where every edited word lines up with
 * an original word, each takes that word's time and probability, in its new spelling: a fixed capital, a comma, a
 * deleted filler. Where any does not, no time can be claimed for it, so the segment keeps only its span.
 */
final class WordTimings {
    private WordTimings() {
    }

    /** The edited words with their timings, or empty where some edited word matches no original word. */
    static Optional<List<TranscriptWord>> carriedOver(List<TranscriptWord> original, String edited) {
        List<String> editedWords = split(edited);
        if (original.isEmpty()) {
            return editedWords.isEmpty() ? Optional.of(List.of()) : Optional.empty();
        }
        List<String> before = original.stream().map(word -> key(word.text())).toList();
        List<String> after = editedWords.stream().map(WordTimings::key).toList();
        int[] match = lineUp(before, after);
        List<TranscriptWord> words = new ArrayList<>();
        for (int i = 0; i < editedWords.size(); i++) {
            if (match[i] < 0) {
                return Optional.empty();
            }
            TranscriptWord timed = original.get(match[i]);
            words.add(new TranscriptWord(" " + editedWords.get(i), timed.start(), timed.end(), timed.probability()));
        }
        return Optional.of(words);
    }

    /** Words as a person separates them: by spaces. Punctuation alone joins the word before it. */
    private static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        for (String piece : text.strip().split("\\s+")) {
            if (piece.isEmpty()) {
                continue;
            }
            if (key(piece).isEmpty() && !words.isEmpty()) {
                words.set(words.size() - 1, words.get(words.size() - 1) + " " + piece);
            } else {
                words.add(piece);
            }
        }
        return words;
    }

    private static String key(String word) {
        return Normalizer.normalize(word, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N}]", "");
    }

    /** For each edited word, the index of the original word it lines up with, or -1. */
    private static int[] lineUp(List<String> before, List<String> after) {
        int[][] common = new int[before.size() + 1][after.size() + 1];
        for (int i = before.size() - 1; i >= 0; i--) {
            for (int j = after.size() - 1; j >= 0; j--) {
                common[i][j] = same(before.get(i), after.get(j)) ? common[i + 1][j + 1] + 1
                        : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        int[] match = new int[after.size()];
        java.util.Arrays.fill(match, -1);
        int i = 0;
        int j = 0;
        while (i < before.size() && j < after.size()) {
            if (same(before.get(i), after.get(j))) {
                match[j] = i;
                i++;
                j++;
            } else if (common[i + 1][j] >= common[i][j + 1]) {
                i++;
            } else {
                j++;
            }
        }
        return match;
    }

    /** A word of punctuation only never matches: it carries no sound to time. */
    private static boolean same(String before, String after) {
        return !after.isEmpty() && before.equals(after);
    }
}
