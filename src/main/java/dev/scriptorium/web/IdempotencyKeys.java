package dev.scriptorium.web;

import dev.scriptorium.ingest.Uploads;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;

/** Reads a request's {@code Idempotency-Key} header, for the native upload and the OpenAI-compatible one alike. */
final class IdempotencyKeys {
    private IdempotencyKeys() {
    }

    /**
     * @param request what names the request besides its form fields (its endpoint, its file name)
     * @param fields  the form fields that make it this request and not another
     * @return empty if the request sent no key
     */
    static Optional<Uploads.Idempotency> of(Context ctx, String request, List<String> fields) {
        StringBuilder digest = new StringBuilder(request);
        for (String field : fields) {
            digest.append('\n').append(field).append('=').append(ctx.formParams(field));
        }
        return of(ctx, digest.toString());
    }

    /** @param request everything that makes the request this one and not another */
    static Optional<Uploads.Idempotency> of(Context ctx, String request) {
        String key = ctx.header("Idempotency-Key");
        if (key == null) {
            return Optional.empty();
        }
        if (key.isBlank() || key.length() > 255) {
            throw ApiError.badRequest("invalid_idempotency_key", "Idempotency-Key must be 1 to 255 characters,"
                    + " such as a UUID made for this request.");
        }
        return Optional.of(new Uploads.Idempotency(Access.caller(ctx).client(), key.strip(), request));
    }
}
