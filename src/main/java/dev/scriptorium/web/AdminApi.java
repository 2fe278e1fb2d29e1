package dev.scriptorium.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.transcription.TranscriptionJob;
import dev.scriptorium.transcription.TranscriptionJobs;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.UUID;

/**
 * Operator endpoints under /api/v1/admin, behind a bearer token (ADMIN_TOKEN). Without a configured token the admin
 * API does not exist.
 */
final class AdminApi {
    private final TranscriptionJobs jobs;
    private final Optional<String> token;
    private final WaitingReasons waiting;

    AdminApi(TranscriptionJobs jobs, Optional<String> token, WaitingReasons waiting) {
        this.jobs = jobs;
        this.token = token;
        this.waiting = waiting;
    }

    void register(RoutesConfig routes) {
        routes.before("/api/v1/admin/*", this::authorize);
        routes.put("/api/v1/admin/jobs/{id}/legal-hold", this::legalHold);
    }

    private void authorize(Context ctx) {
        if (token.isEmpty()) {
            throw new ApiError(404, "admin_api_off", "The admin API is off; the operator turns it on by setting"
                    + " ADMIN_TOKEN.");
        }
        String header = Optional.ofNullable(ctx.header("Authorization")).orElse("");
        byte[] given = header.startsWith("Bearer ") ? header.substring(7).getBytes(StandardCharsets.UTF_8)
                : new byte[0];
        if (!MessageDigest.isEqual(given, token.get().getBytes(StandardCharsets.UTF_8))) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiError(401, "unauthorized", "Send the admin token as 'Authorization: Bearer TOKEN'.");
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
