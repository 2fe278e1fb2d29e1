package dev.scriptorium.search;

import java.util.ArrayList;
import java.util.List;

/**
 * A snippet from ts_headline with its matches marked by two private-use characters, taken apart into plain text and
 * the offsets of the matches. Markers rather than HTML tags: the text is a person's words and is never markup.
 * ts_headline drops what its parser takes for HTML tags, so {@code <} and {@code >} go in as two other private-use
 * characters (see the search's SQL) and come back here.
 */
record Snippet(String text, List<int[]> highlights) {
    static final char START = '\uE000';
    static final char STOP = '\uE001';
    private static final char LESS_THAN = '\uE002';
    private static final char GREATER_THAN = '\uE003';

    /** The options of ts_headline that mark matches this way. */
    static String headlineOptions() {
        return "StartSel=" + START + ", StopSel=" + STOP + ", MaxWords=30, MinWords=12, ShortWord=2";
    }

    static Snippet parse(String marked) {
        StringBuilder text = new StringBuilder();
        List<int[]> highlights = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < marked.length(); i++) {
            char c = marked.charAt(i);
            if (c == START) {
                start = text.length();
            } else if (c == STOP) {
                if (start >= 0 && text.length() > start) {
                    highlights.add(new int[] {start, text.length()});
                }
                start = -1;
            } else if (c == LESS_THAN) {
                text.append('<');
            } else if (c == GREATER_THAN) {
                text.append('>');
            } else {
                text.append(c);
            }
        }
        return new Snippet(text.toString(), highlights);
    }
}
