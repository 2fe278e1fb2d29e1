package dev.scriptorium.web;

import dev.scriptorium.access.Caller;
import dev.scriptorium.ingest.IdempotencyConflictException;
import dev.scriptorium.ingest.JobRequest;
import dev.scriptorium.ingest.ResumableUploads;
import dev.scriptorium.ingest.Uploads;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The tus 1.0 endpoints (creation, termination): POST /api/v1/uploads with the job's options as Upload-Metadata,
 * then HEAD and PATCH on the upload until every byte is there. The request that brings the last byte makes the job
 * and names it in {@code Scriptorium-Job-Id}. Options are checked at creation, before a byte is sent.
 */
final class ResumableUploadApi {
    static final String JOB_HEADER = "Scriptorium-Job-Id";
    private final ResumableUploads resumable;
    private final Uploads uploads;
    private final JobsApi jobsApi;
    private final long maxUploadBytes;

    ResumableUploadApi(ResumableUploads resumable, Uploads uploads, JobsApi jobsApi, long maxUploadBytes) {
        this.resumable = resumable;
        this.uploads = uploads;
        this.jobsApi = jobsApi;
        this.maxUploadBytes = maxUploadBytes;
    }

    void register(RoutesConfig routes) {
        String upload = ResumableUploads.PATH + "/{upload}";
        routes.post(ResumableUploads.PATH, this::create);
        routes.options(ResumableUploads.PATH, this::pass);
        routes.head(upload, this::offset);
        routes.patch(upload, this::append);
        routes.delete(upload, this::pass);
        routes.options(upload, this::pass);
    }

    private void create(Context ctx) throws IOException {
        Map<String, String> metadata = metadata(ctx.header("Upload-Metadata"));
        String length = ctx.header("Upload-Length");
        if (length != null && length.strip().matches("\\d{1,19}") && Long.parseLong(length.strip()) > maxUploadBytes) {
            throw Multipart.tooLarge(maxUploadBytes);
        }
        // The same checks as a multipart upload's fields, now: not after the last of two gigabytes.
        jobsApi.request(filename(metadata), metadata::get, Access.caller(ctx), Optional.empty());
        pass(ctx);
    }

    private void offset(Context ctx) throws IOException {
        pass(ctx);
        // Every byte arrived, but the job was not made (the server stopped in between): it is made now.
        if (ctx.statusCode() == 204) {
            finish(ctx);
        }
    }

    private void append(Context ctx) throws IOException {
        pass(ctx);
        if (ctx.statusCode() == 204) {
            finish(ctx);
        }
    }

    /**
     * Lets the library answer; a refusal of its own (a wrong offset, an unknown or expired upload, a wrong protocol
     * version) comes back in the API's error shape, with the tus headers it set.
     */
    private void pass(Context ctx) throws IOException {
        Refusal response = new Refusal(ctx.res());
        resumable.handle(ctx.req(), response, owner(Access.caller(ctx)));
        if (response.status == 0 && response.getHeader("Tus-Resumable") == null) {
            // The library only logs an upload it could not lock, and answers nothing.
            response.sendError(423, "Another request is still writing to this upload; ask again in a moment");
        }
        if (response.status > 0) {
            // The library announced an empty body; the error's body replaces it.
            ctx.res().setHeader("Content-Length", null);
            throw new ApiError(response.status, refusalCode(response.status), response.message.endsWith(".")
                    ? response.message : response.message + ".");
        }
    }

    private static String refusalCode(int status) {
        return switch (status) {
            case 409 -> "upload_offset_mismatch";
            case 404 -> "not_found";
            case 410 -> "upload_expired";
            case 412 -> "tus_version_unsupported";
            case 413 -> "file_too_large";
            case 415 -> "invalid_content_type";
            case 423 -> "upload_locked";
            default -> "invalid_upload_request";
        };
    }

    /** Keeps the library's error for the API's own error answer, instead of a servlet error page. */
    private static final class Refusal extends HttpServletResponseWrapper {
        private int status;
        private String message = "";

        Refusal(HttpServletResponse response) {
            super(response);
        }

        @Override
        public void sendError(int code, String text) {
            status = code;
            message = text == null ? "The upload request was refused" : text;
        }

        @Override
        public void sendError(int code) {
            sendError(code, null);
        }
    }

    /** Makes the job of a complete upload, once: the upload's id is its idempotency key. */
    private void finish(Context ctx) throws IOException {
        Caller caller = Access.caller(ctx);
        String owner = owner(caller);
        Optional<ResumableUploads.Finished> finished = resumable.finished(ctx.req().getRequestURI(), owner);
        if (finished.isEmpty()) {
            return;
        }
        Map<String, String> metadata = finished.get().metadata();
        JobRequest request = jobsApi.request(filename(metadata), metadata::get, caller, Optional.of(
                new Uploads.Idempotency(caller.client(), "tus:" + ctx.pathParam("upload"), "resumable upload")));
        Uploads.Submission submission;
        try {
            submission = uploads.submit(request, target -> resumable.moveTo(finished.get(), target));
        } catch (IdempotencyConflictException e) {
            throw new ApiError(422, "idempotency_key_reused", e.getMessage());
        }
        resumable.forget(finished.get());
        ctx.header(JOB_HEADER, submission.job().id().toString());
    }

    /** Whose uploads these are. Anonymous uploads are not tied to an address: a resumed upload may come from another. */
    private static String owner(Caller caller) {
        return caller.key().map(key -> "key:" + key).orElse(caller.admin() ? "admin" : "anonymous");
    }

    private static String filename(Map<String, String> metadata) {
        String name = metadata.get("filename");
        return name == null || name.isBlank() ? metadata.getOrDefault("name", "upload") : name;
    }

    /** Upload-Metadata: comma-separated "key base64value" pairs, as the tus protocol defines it. */
    private static Map<String, String> metadata(String header) {
        Map<String, String> metadata = new HashMap<>();
        if (header == null || header.isBlank()) {
            return metadata;
        }
        for (String pair : header.split(",")) {
            String[] parts = pair.strip().split(" ", 2);
            if (parts[0].isEmpty()) {
                continue;
            }
            try {
                metadata.put(parts[0], parts.length < 2 ? "" : new String(Base64.getDecoder().decode(parts[1].strip()),
                        StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest("invalid_metadata", "Upload-Metadata holds 'key base64value' pairs"
                        + " separated by commas; the value of '" + parts[0] + "' is not base64.");
            }
        }
        return metadata;
    }
}
