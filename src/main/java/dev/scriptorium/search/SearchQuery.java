package dev.scriptorium.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a person typed into the search box, taken apart: words that must all occur, phrases in double quotes that must
 * occur as written, and the last bare word, which may still be being typed and so also matches as a prefix. Nothing
 * of the text reaches PostgreSQL as query syntax: words are runs of letters and digits, so {@code & | ! : * ( ) %}
 * and quotes inside words are never operators.
 */
public record SearchQuery(List<String> words, List<String> phrases, Optional<String> last) {
    public static final int MAX_LENGTH = 200;
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+(?:['’][\\p{L}\\p{N}]+)*");
    private static final Pattern PHRASE = Pattern.compile("\"([^\"]*)(?:\"|$)");

    public SearchQuery {
        words = List.copyOf(words);
        phrases = List.copyOf(phrases);
    }

    /** @throws IllegalArgumentException with a message that says what to send instead */
    public static SearchQuery parse(String raw) {
        String text = raw == null ? "" : raw.strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("q is required: the words to look for, for example q=quarterly"
                    + " forecast, or a phrase in double quotes.");
        }
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("q is at most " + MAX_LENGTH + " characters.");
        }
        List<String> phrases = new ArrayList<>();
        StringBuilder outside = new StringBuilder();
        Matcher phrase = PHRASE.matcher(text);
        int at = 0;
        boolean endsInPhrase = false;
        while (phrase.find()) {
            outside.append(text, at, phrase.start()).append(' ');
            List<String> inside = words(phrase.group(1));
            if (!inside.isEmpty()) {
                phrases.add(String.join(" ", inside));
            }
            at = phrase.end();
            endsInPhrase = at == text.length();
        }
        outside.append(text.substring(at));
        List<String> words = words(outside.toString());
        if (words.isEmpty() && phrases.isEmpty()) {
            throw new IllegalArgumentException("q has no words to look for: search matches letters and digits,"
                    + " and signs such as % & ' : * are not search operators. Put a phrase in double quotes.");
        }
        Optional<String> last = Optional.empty();
        if (!endsInPhrase && !words.isEmpty()) {
            last = Optional.of(words.remove(words.size() - 1));
        }
        return new SearchQuery(words, phrases, last);
    }

    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        Matcher word = WORD.matcher(text);
        while (word.find()) {
            words.add(word.group());
        }
        return words;
    }

    /**
     * The last word as a prefix query in PostgreSQL's syntax, quoted so that nothing in it is an operator; empty when
     * there is no last word.
     */
    String prefixQuery() {
        return last.map(word -> "'" + word.replace("'", "''") + "':*").orElse("");
    }
}
