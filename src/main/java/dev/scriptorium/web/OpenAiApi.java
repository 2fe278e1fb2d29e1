package dev.scriptorium.web;

import dev.scriptorium.ingest.IdempotencyConflictException;
import dev.scriptorium.ingest.JobRequest;
import dev.scriptorium.ingest.Uploads;
import dev.scriptorium.openai.OpenAiTranscript;
import dev.scriptorium.transcription.JobOptions;
import dev.scriptorium.transcription.JobStatus;
import dev.scriptorium.transcription.Transcript;
import dev.scriptorium.transcription.TranscriptFormat;
import dev.scriptorium.transcription.TranscriptionJob;
import dev.scriptorium.transcription.TranscriptionJobs;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * OpenAI's transcription API ({@code POST /v1/audio/transcriptions}, {@code /v1/audio/translations},
 * {@code GET /v1/models}), so that tools written for it work unchanged. Every request is an ordinary job: it is
 * uploaded, queued and transcribed like any other, and the request waits for it. Errors come in OpenAI's shape
 * (see {@link WebServer}).
 */
final class OpenAiApi {
    /** The model name OpenAI's clients send; it means the model this service has loaded. */
    static final String WHISPER_1 = "whisper-1";
    static final String JOB_HEADER = "Scriptorium-Job-Id";
    private static final Set<String> FORMATS = Set.of("json", "text", "srt", "verbose_json", "vtt");
    private final Uploads uploads;
    private final TranscriptionJobs jobs;
    private final JobChangeFeed changes;
    private final Supplier<String> model;
    private final long maxUploadBytes;
    private final boolean wordTimestamps;
    private final boolean vad;
    private final Duration maxWait;

    /**
     * @param model   the file name of the loaded Whisper model
     * @param maxWait how long a request waits for its job; the job goes on after that
     */
    OpenAiApi(Uploads uploads, TranscriptionJobs jobs, JobChangeFeed changes, Supplier<String> model,
              long maxUploadBytes, boolean wordTimestamps, boolean vad, Duration maxWait) {
        this.uploads = uploads;
        this.jobs = jobs;
        this.changes = changes;
        this.model = model;
        this.maxUploadBytes = maxUploadBytes;
        this.wordTimestamps = wordTimestamps;
        this.vad = vad;
        this.maxWait = maxWait;
    }

    void register(RoutesConfig routes) {
        routes.get("/v1/models", this::models);
        routes.post("/v1/audio/transcriptions", ctx -> transcribe(ctx, JobOptions.Task.TRANSCRIBE));
        routes.post("/v1/audio/translations", ctx -> transcribe(ctx, JobOptions.Task.TRANSLATE));
    }

    private void models(Context ctx) {
        List<Map<String, Object>> data = new ArrayList<>();
        for (String id : List.of(WHISPER_1, model.get())) {
            data.add(Map.of("id", id, "object", "model", "created", 0, "owned_by", "scriptorium"));
        }
        ctx.json(Map.of("object", "list", "data", data));
    }

    private void transcribe(Context ctx, JobOptions.Task task) throws Exception {
        if (ctx.req().getContentLengthLong() > maxUploadBytes + Multipart.ENVELOPE_BYTES) {
            // OpenAI's SDKs read no answer before they have sent their whole body: a small one is read first.
            Multipart.drainRest(ctx);
            throw Multipart.tooLarge(maxUploadBytes);
        }
        List<Part> files = Multipart.fileParts(ctx, "file", maxUploadBytes);
        Request request;
        TranscriptionJob job;
        try {
            request = request(ctx, task, files);
            Part file = files.get(0);
            try {
                // A retry with the Idempotency-Key of an earlier request waits for, and answers, that request's job.
                job = uploads.submit(new JobRequest(file.getSubmittedFileName(), request.options(),
                        Optional.empty(), Access.caller(ctx).key(), Optional.empty(),
                        idempotency(ctx, task, file.getSubmittedFileName()), true),
                        target -> file.write(target.toString())).job();
            } catch (IdempotencyConflictException e) {
                throw new ApiError(422, "idempotency_key_reused", e.getMessage());
            }
        } catch (RuntimeException | IOException e) {
            Multipart.discard(files);
            throw e;
        }
        ctx.header(JOB_HEADER, job.id().toString());
        TranscriptionJob finished = awaitEnd(ctx, job.id());
        answer(ctx, finished, request);
    }

    private static Optional<Uploads.Idempotency> idempotency(Context ctx, JobOptions.Task task, String filename) {
        return IdempotencyKeys.of(ctx, "/v1 " + task.apiName() + " " + filename, List.of("model", "language",
                "prompt", "response_format", "temperature", "timestamp_granularities[]"));
    }

    /** What the form asks for, checked as OpenAI checks it. */
    private record Request(JobOptions options, String format, boolean words, boolean segments) {
    }

    private Request request(Context ctx, JobOptions.Task task, List<Part> files) {
        if (files.isEmpty()) {
            throw new ApiError(400, "missing_file", "Send the audio as multipart/form-data in a field named 'file'.");
        }
        if (files.size() > 1) {
            throw new ApiError(400, "too_many_files", "Send one file per request.");
        }
        String requested = Optional.ofNullable(ctx.formParam("model")).map(String::strip).orElse("");
        if (!requested.equals(WHISPER_1) && !requested.equals(model.get())) {
            throw new ApiError(400, "invalid_model", (requested.isEmpty() ? "model is required" : "There is no"
                    + " model '" + requested + "'") + "; this server has " + WHISPER_1 + " (the loaded model) and "
                    + model.get() + ".");
        }
        String format = Optional.ofNullable(ctx.formParam("response_format")).map(String::strip)
                .filter(value -> !value.isEmpty()).orElse("json").toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(format)) {
            throw new ApiError(400, "invalid_response_format", "response_format must be one of json, text, srt,"
                    + " verbose_json or vtt, but was '" + abbreviate(format) + "'.");
        }
        if (JobOptions.parseSwitch("stream", ctx.formParam("stream"), false)) {
            throw new ApiError(400, "unsupported_stream", "stream=true is not supported: the answer comes whole"
                    + " when the job ends. Send stream=false, or leave it out.");
        }
        temperature(ctx.formParam("temperature"));
        List<String> granularities = ctx.formParams("timestamp_granularities[]");
        for (String granularity : granularities) {
            if (!granularity.equals("word") && !granularity.equals("segment")) {
                throw new ApiError(400, "invalid_timestamp_granularities", "timestamp_granularities[] takes word"
                        + " and segment, but was '" + abbreviate(granularity) + "'.");
            }
        }
        if (!granularities.isEmpty() && !format.equals("verbose_json")) {
            throw new ApiError(400, "invalid_timestamp_granularities", "timestamp_granularities[] needs"
                    + " response_format=verbose_json.");
        }
        boolean words = granularities.contains("word");
        JobOptions options;
        try {
            options = JobOptions.parse(ctx.formParam("language"), task.apiName())
                    .withWordTimestamps(wordTimestamps || words).withVad(vad);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "invalid_language", e.getMessage());
        }
        try {
            options = options.withPrompt(ctx.formParam("prompt"));
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "invalid_prompt", e.getMessage());
        }
        return new Request(options, format, words, granularities.isEmpty() || granularities.contains("segment"));
    }

    /** Only checked: Whisper here decodes at temperature 0 and falls back to higher ones on its own. */
    private static void temperature(String raw) {
        if (raw == null || raw.isBlank()) {
            return;
        }
        try {
            double value = Double.parseDouble(raw.strip());
            if (value >= 0 && value <= 1) {
                return;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ApiError(400, "invalid_temperature", "temperature must be a number from 0 to 1, but was '"
                + abbreviate(raw) + "'.");
    }

    /**
     * Waits for the job to end, up to the longest wait. A client that goes away meanwhile does not stop the job:
     * it may have been a proxy's timeout, and the transcript is then still there under the job's id.
     */
    private TranscriptionJob awaitEnd(Context ctx, UUID id) throws Exception {
        BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        long deadline = System.nanoTime() + maxWait.toNanos();
        try (AutoCloseable listening = changes.listen(id, messages::add)) {
            TranscriptionJob job = jobs.find(id).orElseThrow();
            while (!job.status().isFinished()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    // OpenAI's SDKs retry a 504 unless told not to, and a retry would upload the file again.
                    ctx.header("x-should-retry", "false");
                    throw new ApiError(504, "job_still_running", "The transcription is still running after "
                            + maxWait.toSeconds() + " s; it goes on as job " + id + ": GET /api/v1/jobs/" + id
                            + " shows it, and its transcript will be at /api/v1/jobs/" + id + "/transcript.");
                }
                // Without Redis no message comes: look again every second.
                messages.poll(Math.min(1000, TimeUnit.NANOSECONDS.toMillis(left) + 1), TimeUnit.MILLISECONDS);
                messages.clear();
                job = jobs.find(id).orElseThrow(() -> new ApiError(404, "job_deleted", "Job " + id
                        + " was deleted before it finished."));
            }
            return job;
        }
    }

    private void answer(Context ctx, TranscriptionJob job, Request request) {
        if (job.status() == JobStatus.FAILED) {
            String code = job.failureCode().orElse("internal_error");
            boolean theFile = !Set.of("internal_error", "worker_crashed", "timeout").contains(code);
            throw new ApiError(theFile ? 400 : 500, code, job.failureReason().orElse("The transcription failed.")
                    + " (job " + job.id() + ")");
        }
        if (job.status() == JobStatus.CANCELED) {
            throw new ApiError(409, "canceled", "Job " + job.id() + " was canceled before it finished.");
        }
        Transcript transcript = jobs.transcript(job.id()).orElseThrow(() -> new ApiError(404, "transcript_gone",
                "The transcript of job " + job.id() + " is gone."));
        switch (request.format()) {
            case "json" -> ctx.json(OpenAiTranscript.json(transcript));
            case "verbose_json" -> ctx.json(OpenAiTranscript.verbose(transcript, job.task().apiName(),
                    job.pinnedLanguage().orElse(job.language().orElse("en")),
                    job.mediaDurationSeconds().orElse(0.0), request.words(), request.segments()));
            case "text" -> ctx.contentType("text/plain; charset=utf-8").result(transcript.text() + "\n");
            case "srt" -> ctx.contentType("application/x-subrip; charset=utf-8")
                    .result(TranscriptFormat.SRT.render(transcript));
            default -> ctx.contentType("text/vtt; charset=utf-8").result(TranscriptFormat.VTT.render(transcript));
        }
    }

    private static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "...";
    }
}
