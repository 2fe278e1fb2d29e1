package dev.scriptorium.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.transcription.TranscriptionJob;
import dev.scriptorium.transcription.TranscriptionJobs;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.UUID;

/** Operator endpoints under /api/v1/admin, for admin keys and the ADMIN_TOKEN only. */
final class AdminApi {
    private final TranscriptionJobs jobs;
    private final WaitingReasons waiting;

    AdminApi(TranscriptionJobs jobs, WaitingReasons waiting) {
        this.jobs = jobs;
        this.waiting = waiting;
    }

    void register(RoutesConfig routes) {
        routes.before("/api/v1/admin/*", this::authorize);
        routes.put("/api/v1/admin/jobs/{id}/legal-hold", this::legalHold);
    }

    /** Runs after {@link Access}: the caller is known; only admin keys (or the admin token) pass. */
    private void authorize(Context ctx) {
        if (!Access.caller(ctx).admin()) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiError(401, "unauthorized", "The admin API needs an admin key ('keys create NAME --admin')"
                    + " or the ADMIN_TOKEN, sent as 'Authorization: Bearer KEY'.");
        }
    }

    /** {"legal_hold": true} keeps the job, its media and transcript whatever the retention policy says. */
    private void legalHold(Context ctx) {
        UUID id = JobsApi.parseId(ctx.pathParam("id"));
        JsonNode body;
        try {
            body = ctx.bodyAsClass(JsonNode.class);
        } catch (RuntimeException e) {
            body = null;
        }
        if (body == null || !body.path("legal_hold").isBoolean()) {
            throw ApiError.badRequest("invalid_body", "Send a JSON body like {\"legal_hold\": true}.");
        }
        boolean held = body.get("legal_hold").asBoolean();
        TranscriptionJob job = jobs.update(id, found -> found.legalHold(held, jobs.clock().instant()))
                .orElseThrow(() -> ApiError.notFound("No job with id " + id + "."));
        ctx.json(JobView.of(job, waiting.of(job)));
    }
}
