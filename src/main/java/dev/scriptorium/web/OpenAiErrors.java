package dev.scriptorium.web;

import java.util.LinkedHashMap;
import java.util.Map;

/** Errors in OpenAI's shape, {@code {"error": {"message", "type", "param", "code"}}}, with the types it uses. */
final class OpenAiErrors {
    /** The form field an error is about, by its code, for OpenAI's {@code param}. */
    private static final Map<String, String> PARAMS = Map.ofEntries(
            Map.entry("missing_file", "file"), Map.entry("too_many_files", "file"),
            Map.entry("file_too_large", "file"), Map.entry("invalid_model", "model"),
            Map.entry("invalid_response_format", "response_format"), Map.entry("unsupported_stream", "stream"),
            Map.entry("invalid_prompt", "prompt"), Map.entry("invalid_temperature", "temperature"),
            Map.entry("invalid_timestamp_granularities", "timestamp_granularities"),
            Map.entry("invalid_language", "language"));

    private OpenAiErrors() {
    }

    static Map<String, Object> body(int status, String code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type(status));
        error.put("param", PARAMS.get(code));
        error.put("code", status == 401 ? "invalid_api_key" : code);
        return error;
    }

    private static String type(int status) {
        if (status == 429) {
            return "rate_limit_error";
        }
        if (status == 403) {
            return "permission_error";
        }
        return status >= 500 ? "server_error" : "invalid_request_error";
    }
}
