package dev.scriptorium.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.admin.AdminOverview;
import dev.scriptorium.reconcile.Reconciler;
import dev.scriptorium.transcription.JobStage;
import dev.scriptorium.transcription.JobStageEvent;
import dev.scriptorium.transcription.TranscriptionJob;
import dev.scriptorium.transcription.TranscriptionJobs;
import dev.scriptorium.webhook.Webhooks;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Operator endpoints under /api/v1/admin, for admin keys and the ADMIN_TOKEN only. */
final class AdminApi {
    private final TranscriptionJobs jobs;
    private final WaitingReasons waiting;
    private final AdminOverview overview;
    private final Reconciler requeue;
    private final Webhooks webhooks;

    AdminApi(TranscriptionJobs jobs, WaitingReasons waiting, AdminOverview overview, Reconciler requeue, Webhooks webhooks) {
        this.webhooks = webhooks;
        this.jobs = jobs;
        this.waiting = waiting;
        this.overview = overview;
        this.requeue = requeue;
    }

    void register(RoutesConfig routes) {
        routes.before("/api/v1/admin/*", this::authorize);
        routes.put("/api/v1/admin/jobs/{id}/legal-hold", this::legalHold);
        routes.get("/api/v1/admin/overview", ctx -> ctx.json(overview.read()));
        routes.get("/api/v1/admin/jobs/{id}", this::job);
        routes.post("/api/v1/admin/jobs/{id}/retry", this::retry);
        routes.post("/api/v1/admin/jobs/{id}/webhooks/{delivery}/redeliver", this::redeliver);
    }

    /** Runs after {@link Access}: the caller is known; only admin keys (or the admin token) pass. */
    private void authorize(Context ctx) {
        if (!Access.caller(ctx).admin()) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiError(401, "unauthorized", "The admin API needs an admin key ('keys create NAME --admin')"
                    + " or the ADMIN_TOKEN, sent as 'Authorization: Bearer KEY'.");
        }
    }

    /** A job with everything an operator needs: owner, attempts with the child's output, and its timeline. */
    private void job(Context ctx) {
        UUID id = JobsApi.parseId(ctx.pathParam("id"));
        TranscriptionJob job = jobs.find(id).orElseThrow(() -> ApiError.notFound("No job with id " + id + "."));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("job", JobView.of(job, waiting.of(job)));
        answer.put("owner_key", job.ownerKey().orElse(null));
        answer.put("attempts", jobs.attempts(id).stream().map(attempt -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("attempt", attempt.attempt());
            row.put("started_at", attempt.startedAt());
            row.put("ended_at", attempt.endedAt());
            row.put("outcome", attempt.outcome());
            row.put("failure_code", attempt.failureCode().orElse(null));
            row.put("detail", attempt.detail().orElse(null));
            row.put("child_log", attempt.childLog().orElse(null));
            return row;
        }).toList());
        List<JobStageEvent> events = jobs.timeline(id);
        List<Map<String, Object>> timeline = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            var event = events.get(i);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("status", event.status().apiName());
            row.put("stage", event.stage().map(JobStage::apiName).orElse(null));
            row.put("at", event.at());
            // How long the job stayed in this status and stage: until the next move (or until now, if it is current).
            Instant until = i + 1 < events.size() ? events.get(i + 1).at()
                    : event.status().isFinished() ? event.at() : Instant.now();
            row.put("seconds", Duration.between(event.at(), until).toMillis() / 1000.0);
            timeline.add(row);
        }
        answer.put("timeline", timeline);
        answer.put("webhooks", webhooks.log(id).stream().map(WebhookLogView::of).toList());
        ctx.json(answer);
    }

    private void retry(Context ctx) {
        UUID id = JobsApi.parseId(ctx.pathParam("id"));
        TranscriptionJob job;
        try {
            job = requeue.retry(id).orElseThrow(() -> ApiError.notFound("No job with id " + id + "."));
        } catch (IllegalStateException e) {
            throw new ApiError(409, "not_retriable", e.getMessage());
        }
        ctx.json(JobView.of(job, waiting.of(job)));
    }

    /** Sends the event again now, with its webhook-id and body: receivers that deduplicate see it once. */
    private void redeliver(Context ctx) {
        UUID id = JobsApi.parseId(ctx.pathParam("id"));
        String delivery = ctx.pathParam("delivery");
        if (!webhooks.redeliver(id, delivery)) {
            throw ApiError.notFound("Job " + id + " has no webhook event " + delivery + ".");
        }
        ctx.status(202).json(Map.of("id", delivery, "status", "queued"));
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
