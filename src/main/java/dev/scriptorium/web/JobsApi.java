package dev.scriptorium.web;

import dev.scriptorium.ingest.Uploads;
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
import java.util.UUID;

/** The jobs API: HTTP in, calls into the pipeline, HTTP out. */
final class JobsApi {
    private final Uploads uploads;
    private final TranscriptionJobs jobs;
    private final long maxUploadBytes;

    JobsApi(Uploads uploads, TranscriptionJobs jobs, long maxUploadBytes) {
        this.uploads = uploads;
        this.jobs = jobs;
        this.maxUploadBytes = maxUploadBytes;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/v1/jobs", this::submit);
        routes.get("/api/v1/jobs/{id}", this::show);
        routes.get("/api/v1/jobs/{id}/transcript", this::transcript);
        routes.post("/api/v1/jobs/{id}/cancel", this::cancel);
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
            Part file = files.get(0);
            TranscriptionJob job = uploads.submit(file.getSubmittedFileName(), options,
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

    private void show(Context ctx) {
        ctx.json(JobView.of(job(ctx)));
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
        ctx.json(JobView.of(job));
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
