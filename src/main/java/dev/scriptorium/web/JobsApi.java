package dev.scriptorium.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scriptorium.access.Caller;
import dev.scriptorium.ingest.IdempotencyConflictException;
import dev.scriptorium.ingest.JobRequest;
import dev.scriptorium.ingest.Uploads;
import dev.scriptorium.retention.JobDeletion;
import dev.scriptorium.transcription.JobOptions;
import dev.scriptorium.transcription.JobStatus;
import dev.scriptorium.transcription.TranscriptionJob;
import dev.scriptorium.transcription.TranscriptionJobs;
import dev.scriptorium.webhook.Webhooks;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** The jobs API: HTTP in, calls into the pipeline, HTTP out. */
final class JobsApi {
    private final Uploads uploads;
    private final TranscriptionJobs jobs;
    private static final int MAX_WAIT_SECONDS = 60;
    private static final long MAX_JSON_BYTES = 64 * 1024;
    private final JobDeletion deletion;
    private final JobStatusReader status;
    private final JobChangeFeed changes;
    private final long maxUploadBytes;
    private final StatusStream events;

    private final boolean wordTimestamps;
    private final boolean vad;
    private final Webhooks webhooks;
    private final ObjectMapper json;

    JobsApi(Uploads uploads, TranscriptionJobs jobs, JobDeletion deletion, JobStatusReader status,
            JobChangeFeed changes, ObjectMapper json, long maxUploadBytes, boolean wordTimestamps,
            boolean vad, Webhooks webhooks) {
        this.webhooks = webhooks;
        this.json = json;
        this.wordTimestamps = wordTimestamps;
        this.vad = vad;
        this.uploads = uploads;
        this.jobs = jobs;
        this.deletion = deletion;
        this.status = status;
        this.changes = changes;
        this.maxUploadBytes = maxUploadBytes;
        this.events = new StatusStream(status, changes, json);
    }

    /** Ends the open event streams; the server stops next. */
    void close() {
        events.close();
    }

    void register(RoutesConfig routes) {
        routes.post("/api/v1/jobs", this::submit);
        routes.get("/api/v1/jobs", this::list);
        routes.get("/api/v1/jobs/{id}", this::show);
        routes.post("/api/v1/jobs/{id}/cancel", this::cancel);
        routes.delete("/api/v1/jobs/{id}", this::delete);
        routes.get("/api/v1/jobs/{id}/events", events::open);
        routes.get("/api/v1/jobs/{id}/webhooks", this::webhooks);
    }

    private void submit(Context ctx) throws IOException {
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        if (type.startsWith("application/json")) {
            submitUrl(ctx);
            return;
        }
        // Reject what is plainly too large before reading a byte of it.
        if (ctx.req().getContentLengthLong() > maxUploadBytes + Multipart.ENVELOPE_BYTES) {
            throw Multipart.tooLarge(maxUploadBytes);
        }
        List<Part> files = Multipart.fileParts(ctx, "file", maxUploadBytes);
        try {
            if (files.isEmpty()) {
                throw ApiError.badRequest("missing_file",
                        "Send the media as multipart/form-data in a field named 'file'.");
            }
            if (files.size() > 1) {
                throw ApiError.badRequest("too_many_files",
                        "Send one file per request; create one job for each file.");
            }
            Part file = files.get(0);
            JobRequest request = request(file.getSubmittedFileName(), ctx::formParam, Access.caller(ctx),
                    idempotency(ctx, file.getSubmittedFileName()));
            Uploads.Submission submission;
            try {
                submission = uploads.submit(request, target -> file.write(target.toString()));
            } catch (IdempotencyConflictException e) {
                throw new ApiError(422, "idempotency_key_reused", e.getMessage());
            }
            TranscriptionJob job = submission.job();
            // A repeat of an earlier request: its job, as it was made then.
            ctx.status(submission.replayed() ? HttpStatus.OK : HttpStatus.ACCEPTED)
                    .header("Location", JobView.location(job.id())).json(JobView.accepted(job));
        } catch (RuntimeException | IOException e) {
            // Only before the file has moved into staging: a written part's delete() would remove the staged file.
            Multipart.discard(files);
            throw e;
        }
    }

    /** A JSON body names the media by URL or S3 key; the ingest queue fetches it. */
    private void submitUrl(Context ctx) throws IOException {
        // Read by hand, up to the limit: a chunked body announces no length to refuse it by.
        byte[] raw = ctx.req().getInputStream().readNBytes((int) MAX_JSON_BYTES + 1);
        if (raw.length > MAX_JSON_BYTES) {
            throw new ApiError(413, "body_too_large", "A JSON request is at most " + MAX_JSON_BYTES + " bytes; it"
                    + " names the media by URL, the media itself goes as multipart/form-data.");
        }
        JsonNode body;
        try {
            body = json.readTree(raw);
        } catch (IOException e) {
            throw ApiError.badRequest("invalid_body", "The body is not JSON: send an object such as"
                    + " {\"url\": \"https://media.example/talk.mp4\"}.");
        }
        UrlSubmit request = UrlSubmit.parse(body);
        URI source = request.source();
        Optional<UUID> owner = Access.caller(ctx).key();
        JobRequest job = new JobRequest(request.text("filename"), options(request::text),
                deleteAfter(request.text("delete_after")), owner, webhookUrl(request.text("webhook_url"), owner),
                IdempotencyKeys.of(ctx, request.digest()), reuse(request.text("reuse")));
        Uploads.Submission submission;
        try {
            submission = uploads.submitFrom(job, source);
        } catch (IdempotencyConflictException e) {
            throw new ApiError(422, "idempotency_key_reused", e.getMessage());
        }
        ctx.status(submission.replayed() ? HttpStatus.OK : HttpStatus.ACCEPTED)
                .header("Location", JobView.location(submission.job().id()))
                .json(JobView.accepted(submission.job()));
    }

    /**
     * What a request asks for, from its fields (form fields, or a resumable upload's metadata): the options, the
     * retention override, the webhook and reuse. A bad value is a 400 that names it.
     *
     * @param field a field's value, null when absent
     */
    JobRequest request(String filename, java.util.function.UnaryOperator<String> field, Caller caller,
                       Optional<Uploads.Idempotency> idempotency) {
        Optional<UUID> owner = caller.key();
        return new JobRequest(filename, options(field), deleteAfter(field.apply("delete_after")), owner,
                webhookUrl(field.apply("webhook_url"), owner), idempotency, reuse(field.apply("reuse")));
    }

    /** Another file name or other options with the same Idempotency-Key is another request. */
    private static Optional<Uploads.Idempotency> idempotency(Context ctx, String filename) {
        return IdempotencyKeys.of(ctx, filename, List.of("language", "task", "word_timestamps", "vad", "prompt",
                "delete_after", "webhook_url", "reuse"));
    }

    private static boolean reuse(String raw) {
        try {
            return JobOptions.parseSwitch("reuse", raw, true);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("invalid_option", e.getMessage());
        }
    }

    private Optional<URI> webhookUrl(String raw, Optional<UUID> owner) {
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(webhooks.target(raw, owner));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("invalid_webhook_url", e.getMessage());
        }
    }

    /** @param field a form field's or JSON field's value, null when absent */
    private JobOptions options(java.util.function.UnaryOperator<String> field) {
        try {
            return JobOptions.parse(field.apply("language"), field.apply("task")).withWordTimestamps(
                    JobOptions.parseSwitch("word_timestamps", field.apply("word_timestamps"), wordTimestamps))
                    .withVad(JobOptions.parseSwitch("vad", field.apply("vad"), vad))
                    .withPrompt(field.apply("prompt"));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("invalid_option", e.getMessage());
        }
    }

    /** Ten years: beyond that, a retention override is a typo rather than a wish. */
    private static final long MAX_DELETE_AFTER = 10L * 366 * 24 * 3600;

    private static Optional<Long> deleteAfter(String raw) {
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        try {
            long seconds = Long.parseLong(raw.strip());
            if (seconds >= 0 && seconds <= MAX_DELETE_AFTER) {
                return Optional.of(seconds);
            }
        } catch (NumberFormatException e) {
            // Answered below.
        }
        throw ApiError.badRequest("invalid_option", "delete_after must be a whole number of seconds from 0 to "
                + MAX_DELETE_AFTER + " (ten years): how long after the job ends its media and transcript are "
                + "deleted.");
    }

    private static final int MAX_PAGE = 100;

    /**
     * Jobs, newest first: {@code ids} (comma-separated job ids) restricts the listing to those jobs, {@code status}
     * filters, {@code q} searches file names, {@code limit} (1 to 100, default 20) sizes the page, and
     * {@code cursor} (from the previous page's {@code next_cursor}) continues. Anonymous callers must send
     * {@code ids}: their jobs are everybody's anonymous jobs, so each lists only the jobs whose ids it kept.
     */
    private void list(Context ctx) {
        Caller caller = Access.caller(ctx);
        String idempotencyKey = ctx.queryParam("idempotency_key");
        if (idempotencyKey != null) {
            listSubmitted(ctx, caller, idempotencyKey.strip());
            return;
        }
        Optional<Set<UUID>> ids = ids(ctx.queryParam("ids"));
        if (ids.isEmpty() && caller.key().isEmpty() && !caller.admin()) {
            throw ApiError.badRequest("ids_required", "Anonymous callers list their own jobs by id: send"
                    + " ids=ID,ID,... (at most " + MAX_IDS + ") with the ids that POST /api/v1/jobs answered. The"
                    + " upload page keeps the ids of the jobs this browser made. With an API key, GET /api/v1/jobs"
                    + " lists all of the key's jobs.");
        }
        Optional<JobStatus> status = Optional.ofNullable(ctx.queryParam("status")).filter(raw -> !raw.isBlank())
                .map(raw -> Arrays.stream(JobStatus.values())
                        .filter(candidate -> candidate.apiName().equals(raw.strip().toLowerCase(Locale.ROOT)))
                        .findFirst()
                        .orElseThrow(() -> ApiError.badRequest("invalid_status", "status must be one of queued,"
                                + " processing, completed, failed or canceled.")));
        Optional<String> search = Optional.ofNullable(ctx.queryParam("q")).map(String::strip)
                .filter(raw -> !raw.isEmpty());
        if (search.isPresent() && search.get().length() > 255) {
            throw ApiError.badRequest("invalid_query", "q is at most 255 characters: part of a file name.");
        }
        int limit = pageSize(ctx.queryParam("limit"));
        Optional<TranscriptionJobs.PageMark> cursor = Optional.ofNullable(ctx.queryParam("cursor"))
                .filter(raw -> !raw.isBlank()).map(JobsApi::decodeCursor);
        TranscriptionJobs.Owner owner = caller.admin() ? TranscriptionJobs.Owner.ANYONE
                : TranscriptionJobs.Owner.of(caller.key());
        List<TranscriptionJob> page = jobs.page(owner, ids, status, search, cursor, limit + 1);
        boolean more = page.size() > limit;
        List<TranscriptionJob> shown = more ? page.subList(0, limit) : page;
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("jobs", shown.stream().map(this.status::view).toList());
        answer.put("next_cursor", more ? encodeCursor(shown.get(shown.size() - 1)) : null);
        ctx.json(answer);
    }

    /**
     * The job this caller made with this {@code Idempotency-Key}, while the key names it: a client that lost its
     * answer (or was stopped) finds its job without sending the media again.
     */
    private void listSubmitted(Context ctx, Caller caller, String key) {
        if (key.isEmpty() || key.length() > 255) {
            throw ApiError.badRequest("invalid_idempotency_key", "idempotency_key must be 1 to 255 characters, the"
                    + " Idempotency-Key header of the upload.");
        }
        Optional<JobView> submitted = jobs.claim(caller.client(), key)
                .filter(claim -> claim.createdAt().isAfter(jobs.clock().instant().minus(Uploads.IDEMPOTENCY_WINDOW)))
                .flatMap(claim -> status.read(claim.jobId(), caller));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("jobs", submitted.map(List::of).orElse(List.of()));
        answer.put("next_cursor", null);
        ctx.json(answer);
    }

    static final int MAX_IDS = 100;

    /** Empty without the parameter; an empty set for {@code ids=} with nothing in it (a listing of no jobs). */
    static Optional<Set<UUID>> ids(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        Set<UUID> ids = new LinkedHashSet<>();
        for (String part : raw.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                ids.add(parseId(part.strip()));
            } catch (ApiError e) {
                throw ApiError.badRequest("invalid_ids", "ids must be job ids (UUIDs like"
                        + " 123e4567-e89b-12d3-a456-426614174000) separated by commas; '" + part.strip()
                        + "' is not one.");
            }
        }
        if (ids.size() > MAX_IDS) {
            throw ApiError.badRequest("invalid_ids", "ids lists at most " + MAX_IDS + " jobs; ask for more in"
                    + " several requests.");
        }
        return Optional.of(ids);
    }

    private static int pageSize(String raw) {
        if (raw == null || raw.isBlank()) {
            return 20;
        }
        try {
            int limit = Integer.parseInt(raw.strip());
            if (limit >= 1 && limit <= MAX_PAGE) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // Answered below.
        }
        throw ApiError.badRequest("invalid_limit", "limit must be a whole number from 1 to " + MAX_PAGE + ".");
    }

    /** Opaque to clients: the last job's creation time and id. */
    private static String encodeCursor(TranscriptionJob last) {
        String mark = last.createdAt().toString() + "|" + last.id();
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mark.getBytes(StandardCharsets.UTF_8));
    }

    private static TranscriptionJobs.PageMark decodeCursor(String raw) {
        try {
            String mark = new String(Base64.getUrlDecoder().decode(raw.strip()),
                    StandardCharsets.UTF_8);
            int bar = mark.indexOf('|');
            return new TranscriptionJobs.PageMark(Instant.parse(mark.substring(0, bar)),
                    UUID.fromString(mark.substring(bar + 1)));
        } catch (RuntimeException e) {
            throw ApiError.badRequest("invalid_cursor", "cursor must be the next_cursor of a previous page, as it"
                    + " was given.");
        }
    }

    /**
     * The job's status, with an ETag. {@code If-None-Match} with the current ETag answers 304. {@code wait=N}
     * (seconds, at most 60) holds the answer until the job changes from the ETag sent (or, without one, from its
     * state when the request came), or N seconds pass.
     */
    private void show(Context ctx) throws Exception {
        UUID id = parseId(ctx.pathParam("id"));
        int waitSeconds = waitSeconds(ctx.queryParam("wait"));
        Caller caller = Access.caller(ctx);
        String sent = ctx.header("If-None-Match");
        if (waitSeconds == 0) {
            // The common poll: a job that is not queued has no waiting reason, so its cached view is the answer.
            StatusEntry entry = status.entry(id, caller)
                    .orElseThrow(() -> ApiError.notFound("No job with id " + id + "."));
            if (!entry.status().equals(JobStatus.QUEUED.apiName())) {
                String etag = etag(id, entry.version(), null);
                ctx.header("ETag", etag).header("Cache-Control", "no-cache");
                if (etag.equals(sent)) {
                    ctx.status(HttpStatus.NOT_MODIFIED);
                } else {
                    ctx.contentType("application/json").result(entry.viewJson());
                }
                return;
            }
        }
        JobView view;
        BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        // Listening before the first look: a change between the look and the wait still wakes this request.
        try (AutoCloseable listening = waitSeconds > 0 ? changes.listen(id, messages::add) : () -> { }) {
            view = current(id, caller);
            String baseline = sent != null ? sent : etag(view);
            long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
            while (etag(view).equals(baseline) && !view.finished() && System.nanoTime() < deadline) {
                // Without Redis no message comes: look again every second.
                long millis = Math.min(1000, (deadline - System.nanoTime()) / 1_000_000);
                messages.poll(Math.max(1, millis), TimeUnit.MILLISECONDS);
                messages.clear();
                view = current(id, caller);
            }
        }
        String etag = etag(view);
        ctx.header("ETag", etag).header("Cache-Control", "no-cache");
        if (etag.equals(sent)) {
            ctx.status(HttpStatus.NOT_MODIFIED);
            return;
        }
        ctx.json(view);
    }

    private JobView current(UUID id, Caller caller) {
        return status.read(id, caller).orElseThrow(() -> ApiError.notFound("No job with id " + id + "."));
    }

    /** Changes with every committed change of the job, and with the reason a queued job waits. */
    static String etag(JobView view) {
        return etag(view.id(), view.version(), view.waitingReason());
    }

    private static String etag(UUID id, long version, String waitingReason) {
        String waiting = waitingReason == null ? "" : "-" + Integer.toHexString(waitingReason.hashCode());
        return "\"" + id + "-" + version + waiting + "\"";
    }

    private static int waitSeconds(String raw) {
        if (raw == null || raw.isBlank()) {
            return 0;
        }
        try {
            int seconds = Integer.parseInt(raw.strip());
            if (seconds >= 0 && seconds <= MAX_WAIT_SECONDS) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // Answered below.
        }
        throw ApiError.badRequest("invalid_wait", "wait must be a whole number of seconds from 0 to "
                + MAX_WAIT_SECONDS + ".");
    }

    /** Purges the job's media, transcript and record now. */
    private void delete(Context ctx) throws SQLException {
        UUID id = parseId(ctx.pathParam("id"));
        job(ctx);
        switch (deletion.delete(id)) {
            case DELETED -> {
                status.evict(id);
                ctx.status(HttpStatus.NO_CONTENT);
            }
            case NOT_FOUND -> throw ApiError.notFound("No job with id " + id + ".");
            case RUNNING -> throw new ApiError(409, "job_running", "The job is still queued or processing. Cancel it"
                    + " first (POST /api/v1/jobs/" + id + "/cancel), then delete it.");
            case LEGAL_HOLD -> throw new ApiError(409, "legal_hold", "The job is under a legal hold and cannot be"
                    + " deleted until the operator lifts it.");
        }
    }

    /** Cancels a queued or processing job; a finished one (canceled included) answers 409 and stays as it is. */
    private void cancel(Context ctx) {
        UUID id = job(ctx).id();
        AtomicBoolean canceledNow = new AtomicBoolean();
        TranscriptionJob job = jobs.update(id, found -> {
            if (!found.status().isFinished()) {
                found.cancel(jobs.clock().instant());
                canceledNow.set(true);
            }
        }).orElseThrow(() -> ApiError.notFound("No job with id " + id + "."));
        if (!canceledNow.get()) {
            throw new ApiError(409, "job_finished", "The job is " + job.status().apiName()
                    + " already; only queued or processing jobs can be canceled.");
        }
        ctx.json(JobView.of(job, Optional.empty()));
    }

    /** Every event of the job sent to a webhook, with every attempt at it. */
    private void webhooks(Context ctx) {
        TranscriptionJob job = job(ctx);
        ctx.json(Map.of("deliveries", webhooks.log(job.id()).stream().map(WebhookLogView::of).toList()));
    }

    private TranscriptionJob job(Context ctx) {
        return visibleJob(jobs, ctx);
    }

    /** The job of the path's {id}, if the caller may see it; anyone else's job answers 404, as if it did not exist. */
    static TranscriptionJob visibleJob(TranscriptionJobs jobs, Context ctx) {
        UUID id = parseId(ctx.pathParam("id"));
        Caller caller = Access.caller(ctx);
        return jobs.find(id).filter(job -> caller.maySee(job.ownerKey().orElse(null)))
                .orElseThrow(() -> ApiError.notFound("No job with id " + id + "."));
    }

    static UUID parseId(String raw) {
        try {
            UUID id = UUID.fromString(raw);
            if (id.toString().equals(raw.toLowerCase(Locale.ROOT))) {
                return id;
            }
        } catch (IllegalArgumentException e) {
            // Answered below.
        }
        throw ApiError.badRequest("invalid_job_id", "Job ids are UUIDs like 123e4567-e89b-12d3-a456-426614174000.");
    }

}
