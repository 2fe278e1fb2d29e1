package dev.scriptorium.transcription;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Lays a transcript's words out as caption cues. A cue grows word by word while it fits in
 * {@link CaptionOptions#maxLines()} lines of {@link CaptionOptions#maxLineChars()} characters and lasts at most
 * {@link CaptionOptions#MAX_CUE_SECONDS}. When the next word would not fit, the cue ends at the best break inside
 * it: after the last sentence end, else after the last comma, semicolon or colon, else at the longest pause
 * (the latest one on a tie, so that a transcript without pauses fills each cue). Words are never split: a word
 * too long for a line gets a line of its own, one too long for a cue a cue of its own.
 *
 * <p>Consecutive segments with words flow into each other, because Whisper's segment ends rarely fall where a
 * reader needs a break. Segments stored before words existed keep one cue each, on one line.
 */
public final class CaptionLayout {
    /** The marks that end a sentence, Latin, CJK, Arabic and Devanagari. */
    private static final String SENTENCE_ENDS = ".!?…。！？｡．؟।‼⁇⁈⁉";
    private static final String CLAUSE_ENDS = ",;:，、；：،؛";
    /** Closing quotes and brackets that may follow a sentence or clause end: {@code "Stop!"}, {@code (really?)}. */
    private static final String CLOSERS = "\"'”’»›)]}」』）】》〉";
    /** Word times are doubles summed from chunk offsets; a cue of exactly seven seconds must still fit. */
    private static final double TIME_TOLERANCE = 1e-9;
    /** Whisper times words in centiseconds: pauses closer than that are equally long, and the later one wins. */
    private static final double PAUSE_RESOLUTION = 0.01;

    /** One caption: its time on the media's timeline in seconds and its lines, none blank. */
    public record Cue(double start, double end, List<String> lines) {
        public Cue {
            lines = List.copyOf(lines);
        }
    }

    private record Word(String text, int length, double start, double end) {
    }

    private final CaptionOptions options;

    public CaptionLayout(CaptionOptions options) {
        this.options = options;
    }

    /** The cues in time order; segments without words and without text give none. */
    public List<Cue> cues(Transcript transcript) {
        List<TranscriptSegment> segments = new ArrayList<>(transcript.segments());
        segments.sort(Comparator.comparingDouble(TranscriptSegment::start));
        List<Cue> cues = new ArrayList<>();
        List<Word> run = new ArrayList<>();
        for (TranscriptSegment segment : segments) {
            List<Word> words = words(segment);
            if (!words.isEmpty()) {
                run.addAll(words);
                continue;
            }
            cues.addAll(layOut(run));
            run.clear();
            String text = segment.text().strip().replaceAll("\\s*\\R\\s*", " ");
            if (!text.isEmpty()) {
                cues.add(new Cue(segment.start(), segment.end(), List.of(text)));
            }
        }
        cues.addAll(layOut(run));
        return cues;
    }

    private static List<Word> words(TranscriptSegment segment) {
        List<Word> words = new ArrayList<>();
        for (TranscriptWord word : segment.words()) {
            // Unicode whitespace includes the line separators that would otherwise end a cue early.
            String text = word.text().replaceAll("(?U)\\s+", " ").strip();
            if (!text.isEmpty()) {
                words.add(new Word(text, text.codePointCount(0, text.length()), word.start(), word.end()));
            }
        }
        return words;
    }

    private List<Cue> layOut(List<Word> words) {
        List<Cue> cues = new ArrayList<>();
        int first = 0;
        while (first < words.size()) {
            int last = first;
            while (last + 1 < words.size() && fits(words.subList(first, last + 2))) {
                last++;
            }
            if (last + 1 < words.size()) {
                last = bestBreak(words, first, last);
            }
            cues.add(cue(words.subList(first, last + 1)));
            first = last + 1;
        }
        return cues;
    }

    private boolean fits(List<Word> cue) {
        double duration = cue.get(cue.size() - 1).end() - cue.get(0).start();
        return duration <= CaptionOptions.MAX_CUE_SECONDS + TIME_TOLERANCE
                && fill(cue, options.maxLineChars()).size() <= options.maxLines();
    }

    /** The index of the word to end the cue with, among {@code first..last}, which all fit. */
    private static int bestBreak(List<Word> words, int first, int last) {
        int best = last;
        for (int k = last; k >= first; k--) {
            if (rank(words, k) > rank(words, best)
                    || rank(words, k) == 0 && rank(words, best) == 0
                            && pauseAfter(words, k) > pauseAfter(words, best) + PAUSE_RESOLUTION) {
                best = k;
            }
        }
        return best;
    }

    private static int rank(List<Word> words, int index) {
        char mark = lastMark(words.get(index).text());
        if (SENTENCE_ENDS.indexOf(mark) >= 0) {
            return 2;
        }
        return CLAUSE_ENDS.indexOf(mark) >= 0 ? 1 : 0;
    }

    private static char lastMark(String text) {
        int end = text.length();
        while (end > 1 && CLOSERS.indexOf(text.charAt(end - 1)) >= 0) {
            end--;
        }
        return text.charAt(end - 1);
    }

    private static double pauseAfter(List<Word> words, int index) {
        return words.get(index + 1).start() - words.get(index).end();
    }

    private Cue cue(List<Word> words) {
        double start = Math.max(0, words.get(0).start());
        double end = Math.max(start, words.get(words.size() - 1).end());
        return new Cue(start, end, balance(words));
    }

    /**
     * The fewest lines, as even as they go: the narrowest width that needs no more lines than filling to the
     * limit. Even lines are easier to read than a full line over a stub.
     */
    private List<String> balance(List<Word> words) {
        int lines = fill(words, options.maxLineChars()).size();
        int narrow = 1;
        int wide = options.maxLineChars();
        while (narrow < wide) {
            int middle = (narrow + wide) / 2;
            if (fill(words, middle).size() <= lines) {
                wide = middle;
            } else {
                narrow = middle + 1;
            }
        }
        return fill(words, wide);
    }

    /** Fills each line up to {@code width}; a longer word stands alone on its line. */
    private static List<String> fill(List<Word> words, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int length = 0;
        for (Word word : words) {
            if (length > 0 && length + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
                length = 0;
            }
            if (length > 0) {
                line.append(' ');
                length++;
            }
            line.append(word.text());
            length += word.length();
        }
        if (length > 0) {
            lines.add(line.toString());
        }
        return lines;
    }
}
