package dev.scriptorium.web;

import dev.scriptorium.ingest.Uploads;
import dev.scriptorium.retention.JobDeletion;
import dev.scriptorium.transcription.JobOptions;
import dev.scriptorium.transcription.JobStatus;
import dev.scriptorium.transcription.Transcript;
import dev.scriptorium.transcription.TranscriptFormat;
import dev.scriptorium.transcription.TranscriptionJob;
import dev.scriptorium.transcription.TranscriptionJobs;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/** The jobs API: HTTP in, calls into the pipeline, HTTP out. */
final class JobsApi {
    private final Uploads uploads;
    private final TranscriptionJobs jobs;
    private final JobDeletion deletion;
    private final WaitingReasons waiting;
    private final long maxUploadBytes;

    JobsApi(Uploads uploads, TranscriptionJobs jobs, JobDeletion deletion, WaitingReasons waiting,
            long maxUploadBytes) {
        this.uploads = uploads;
        this.jobs = jobs;
        this.deletion = deletion;
        this.waiting = waiting;
        this.maxUploadBytes = maxUploadBytes;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/v1/jobs", this::submit);
        routes.get("/api/v1/jobs/{id}", this::show);
        routes.get("/api/v1/jobs/{id}/transcript", this::transcript);
        routes.post("/api/v1/jobs/{id}/cancel", this::cancel);
        routes.delete("/api/v1/jobs/{id}", this::delete);
    }

    private void submit(Context ctx) throws IOException {
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
            JobOptions options = options(ctx);
            java.util.Optional<Long> deleteAfter = deleteAfter(ctx.formParam("delete_after"));
            Part file = files.get(0);
            TranscriptionJob job = uploads.submit(file.getSubmittedFileName(), options, deleteAfter,
                    target -> file.write(target.toString()));
            ctx.status(HttpStatus.ACCEPTED).header("Location", JobView.location(job.id())).json(JobView.accepted(job));
        } catch (RuntimeException | IOException e) {
            // Only before the file has moved into staging: a written part's delete() would remove the staged file.
            Multipart.discard(files);
            throw e;
        }
    }

    private JobOptions options(Context ctx) {
        try {
            return JobOptions.parse(ctx.formParam("language"), ctx.formParam("task"));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("invalid_option", e.getMessage());
        }
    }

    /** Ten years: beyond that, a retention override is a typo rather than a wish. */
    private static final long MAX_DELETE_AFTER = 10L * 366 * 24 * 3600;

    private static java.util.Optional<Long> deleteAfter(String raw) {
        if (raw == null || raw.isBlank()) {
            return java.util.Optional.empty();
        }
        try {
            long seconds = Long.parseLong(raw.strip());
            if (seconds >= 0 && seconds <= MAX_DELETE_AFTER) {
                return java.util.Optional.of(seconds);
            }
        } catch (NumberFormatException e) {
            // Answered below.
        }
        throw ApiError.badRequest("invalid_option", "delete_after must be a whole number of seconds from 0 to "
                + MAX_DELETE_AFTER + " (ten years): how long after the job ends its media and transcript are "
                + "deleted.");
    }

    private void show(Context ctx) {
        TranscriptionJob job = job(ctx);
        ctx.json(JobView.of(job, waiting.of(job)));
    }

    /** Purges the job's media, transcript and record now. */
    private void delete(Context ctx) throws java.sql.SQLException {
        UUID id = parseId(ctx.pathParam("id"));
        switch (deletion.delete(id)) {
            case DELETED -> ctx.status(HttpStatus.NO_CONTENT);
            case NOT_FOUND -> throw ApiError.notFound("No job with id " + id + ".");
            case RUNNING -> throw new ApiError(409, "job_running", "The job is still queued or processing. Cancel it"
                    + " first (POST /api/v1/jobs/" + id + "/cancel), then delete it.");
            case LEGAL_HOLD -> throw new ApiError(409, "legal_hold", "The job is under a legal hold and cannot be"
                    + " deleted until the operator lifts it.");
        }
    }

    private void transcript(Context ctx) {
        TranscriptFormat format = TranscriptFormat.parse(ctx.queryParam("format")).orElseThrow(() ->
                ApiError.badRequest("invalid_format", "format must be one of txt, srt, vtt or json."));
        TranscriptionJob job = job(ctx);
        if (job.status() != JobStatus.COMPLETED) {
            throw new ApiError(409, "transcript_not_ready", "The job is " + job.status().apiName()
                    + "; its transcript is available once the status is completed.");
        }
        Transcript transcript = jobs.transcript(job.id()).orElseThrow(() ->
                ApiError.notFound("This job has no transcript any more."));
        String baseName = downloadName(job.filename());
        ctx.header("Content-Disposition", "inline; filename=\"" + baseName + "." + format.extension() + "\"");
        if (format == TranscriptFormat.JSON) {
            ctx.json(TranscriptView.of(transcript));
        } else {
            ctx.contentType(format.mediaType()).result(format.render(transcript));
        }
    }

    private void cancel(Context ctx) {
        UUID id = parseId(ctx.pathParam("id"));
        TranscriptionJob job = jobs.update(id, found -> {
            if (!found.status().isFinished()) {
                found.cancel(jobs.clock().instant());
            }
        }).orElseThrow(() -> ApiError.notFound("No job with id " + id + "."));
        if (job.status() != JobStatus.CANCELED) {
            throw new ApiError(409, "job_finished", "The job is " + job.status().apiName()
                    + " already; only queued or processing jobs can be canceled.");
        }
        ctx.json(JobView.of(job, Optional.empty()));
    }

    private TranscriptionJob job(Context ctx) {
        UUID id = parseId(ctx.pathParam("id"));
        return jobs.find(id).orElseThrow(() -> ApiError.notFound("No job with id " + id + "."));
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

    /** The upload's name without its extension, restricted to characters that are safe in a header. */
    private static String downloadName(String filename) {
        int dot = filename.lastIndexOf('.');
        String stem = dot > 0 ? filename.substring(0, dot) : filename;
        String safe = stem.replaceAll("[^A-Za-z0-9._ -]", "_").strip();
        return safe.isEmpty() ? "transcript" : safe;
    }
}
