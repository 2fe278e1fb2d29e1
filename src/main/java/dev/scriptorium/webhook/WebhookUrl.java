package dev.scriptorium.webhook;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Reads a webhook URL as a user or an operator wrote it, wherever it comes from. */
public final class WebhookUrl {
    private static final int MAX_URL = 2048;

    private WebhookUrl() {
    }

    /**
     * @param name what the URL was given as, for the message: a form field or a command-line option
     * @throws IllegalArgumentException saying what a webhook URL must be
     */
    public static URI parse(String raw, String name) {
        String text = raw.strip();
        if (text.length() > MAX_URL) {
            throw new IllegalArgumentException(name + " must be at most " + MAX_URL + " characters long.");
        }
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(name + " is not a URL: " + e.getReason() + ".");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            throw new IllegalArgumentException(name + " must be an absolute http or https URL, such as"
                    + " https://example.com/hooks/scriptorium.");
        }
        return url;
    }
}
