package dev.scriptorium.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OpenAPI document of the native API (src/main/resources/web/openapi.json) as a contract: every /api/v1 answer
 * a test receives through {@link ApiClient} must be a documented status of a documented operation, and a JSON body
 * must validate against its schema (JSON Schema 2020-12, by networknt's validator). The schemas forbid fields they do
 * not name, so a field missing from the document fails. Thread-safe.
 */
public final class ApiContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode DOCUMENT = load();
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final Map<String, JsonSchema> CACHE = new ConcurrentHashMap<>();

    private ApiContract() {
    }

    public static JsonNode document() {
        return DOCUMENT;
    }

    /**
     * @throws AssertionError naming what the document lacks, or how the body breaks its schema
     */
    public static void check(String method, String path, int status, String contentType, String body) {
        if (!path.startsWith("/api/v1/")) {
            return;
        }
        String template = template(path);
        // HEAD answers as GET does, unless the document describes a HEAD of its own (a tus upload's offset).
        JsonNode item = DOCUMENT.path("paths").path(template);
        boolean ownHead = !item.path("head").isMissingNode();
        JsonNode operation = item.path((method.equals("HEAD") && !ownHead ? "GET" : method).toLowerCase(Locale.ROOT));
        if (operation.isMissingNode()) {
            // What no operation answers: a path nobody routes (404) or a method a path lacks (405), in the API's
            // error shape.
            boolean unrouted = status == 404 && DOCUMENT.path("paths").path(template).isMissingNode();
            if (unrouted || status == 405) {
                if (!method.equals("HEAD") && body != null && !body.isEmpty()) {
                    validate(method + " " + template + " " + status, errorSchema(), body);
                }
                return;
            }
            throw new AssertionError("The OpenAPI document has no " + method + " " + template + " (answered "
                    + status + ")");
        }
        JsonNode response = operation.path("responses").path(String.valueOf(status));
        if (response.isMissingNode()) {
            throw new AssertionError("The OpenAPI document has no status " + status + " for " + method + " "
                    + template + "; the answer was: " + abbreviate(body));
        }
        if (method.equals("HEAD") || body == null || body.isEmpty() || contentType == null) {
            return;
        }
        String mediaType = contentType.split(";")[0].strip();
        JsonNode content = response.path("content").path(mediaType);
        if (content.isMissingNode()) {
            throw new AssertionError("The OpenAPI document has no " + mediaType + " answer for status " + status
                    + " of " + method + " " + template);
        }
        if (!mediaType.equals("application/json") || template.equals("/api/v1/openapi.json")) {
            return;
        }
        String key = method + " " + template + " " + status;
        validate(key, CACHE.computeIfAbsent(key, ignored -> schema(content.path("schema"))), body);
    }

    private static JsonSchema errorSchema() {
        return CACHE.computeIfAbsent("Error", ignored -> schema(JSON.createObjectNode()
                .put("$ref", "#/components/schemas/Error")));
    }

    private static void validate(String key, JsonSchema schema, String body) {
        Set<ValidationMessage> errors;
        try {
            errors = schema.validate(JSON.readTree(body));
        } catch (IOException e) {
            throw new AssertionError(key + " answered JSON that does not parse: " + abbreviate(body), e);
        }
        if (!errors.isEmpty()) {
            throw new AssertionError(key + " breaks the OpenAPI document: " + errors + "\nanswer: " + abbreviate(body));
        }
    }

    /** Validates {@code json} against one of the document's component schemas, e.g. an event's data as a Job. */
    public static void checkSchema(String component, String json) {
        validate(component, CACHE.computeIfAbsent("component " + component, ignored -> schema(JSON.createObjectNode()
                .put("$ref", "#/components/schemas/" + component))), json);
    }

    /** A standalone schema: the response's, with the document's components beside it for its $refs. */
    static JsonSchema schema(JsonNode responseSchema) {
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.set("components", DOCUMENT.path("components"));
        root.putArray("allOf").add(responseSchema);
        return SCHEMAS.getSchema(root);
    }

    /** The document's path that matches, literal segments before {parameters}. */
    static String template(String path) {
        String[] segments = path.split("/", -1);
        String best = null;
        int bestLiterals = -1;
        for (Iterator<String> it = DOCUMENT.path("paths").fieldNames(); it.hasNext(); ) {
            String candidate = it.next();
            String[] parts = candidate.split("/", -1);
            if (parts.length != segments.length) {
                continue;
            }
            int literals = 0;
            boolean matches = true;
            for (int i = 0; i < parts.length && matches; i++) {
                if (parts[i].startsWith("{") && parts[i].endsWith("}")) {
                    matches = !segments[i].isEmpty();
                } else if (parts[i].equals(segments[i])) {
                    literals++;
                } else {
                    matches = false;
                }
            }
            if (matches && literals > bestLiterals) {
                best = candidate;
                bestLiterals = literals;
            }
        }
        return best != null ? best : path;
    }

    private static JsonNode load() {
        try (InputStream in = ApiContract.class.getResourceAsStream("/web/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("web/openapi.json is not on the class path");
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String abbreviate(String body) {
        return body == null || body.length() <= 2000 ? body : body.substring(0, 2000) + "...";
    }
}
