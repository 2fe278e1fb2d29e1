package dev.scriptorium.web;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the JSON body of {@code POST /api/v1/jobs} that names media by URL instead of uploading it:
 * {@code {url, filename?, language?, task?, word_timestamps?, vad?, prompt?, delete_after?, webhook_url?,
 * reuse?}}.
 */
final class UrlSubmit {
    private static final int MAX_URL = 4096;
    private static final Set<String> FIELDS = Set.of("url", "filename", "language", "task", "word_timestamps", "vad",
            "prompt", "delete_after", "webhook_url", "reuse");
    private final JsonNode body;

    private UrlSubmit(JsonNode body) {
        this.body = body;
    }

    /** @throws ApiError 400 saying what to send instead */
    static UrlSubmit parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiError.badRequest("invalid_body", "Send a JSON object such as {\"url\":"
                    + " \"https://media.example/talk.mp4\"}, or the media itself as multipart/form-data.");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw ApiError.badRequest("invalid_body", "Unknown field '" + name + "'; the fields are "
                        + String.join(", ", new java.util.TreeSet<>(FIELDS)) + ".");
            }
        }
        return new UrlSubmit(body);
    }

    /** The media's address: an http or https URL, or s3://bucket/key. */
    URI source() {
        String raw = text("url");
        if (raw == null || raw.isBlank()) {
            throw ApiError.badRequest("missing_url", "Name the media in 'url': an http(s) URL or s3://bucket/key.");
        }
        if (raw.length() > MAX_URL) {
            throw ApiError.badRequest("invalid_url", "url must be at most " + MAX_URL + " characters long.");
        }
        URI url;
        try {
            url = new URI(raw.strip());
        } catch (URISyntaxException e) {
            throw ApiError.badRequest("invalid_url", "url is not a URL: " + e.getReason() + ".");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        boolean web = (scheme.equals("http") || scheme.equals("https")) && url.getHost() != null;
        boolean bucket = scheme.equals("s3") && url.getHost() != null && url.getPath() != null
                && url.getPath().length() > 1;
        if (!web && !bucket) {
            throw ApiError.badRequest("invalid_url", "url must be an absolute http or https URL, or s3://bucket/key;"
                    + " '" + raw + "' is neither.");
        }
        return url;
    }

    /**
     * A field as the form would have sent it (booleans and numbers as their text), or null when absent.
     *
     * @throws ApiError 400 if it is an object or an array
     */
    String text(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isContainerNode()) {
            throw ApiError.badRequest("invalid_option", field + " must be a string, number or boolean.");
        }
        return value.asText();
    }

    /** Everything that makes this request this one, for Idempotency-Key. */
    String digest() {
        return "json " + body;
    }
}
