package dev.scriptorium.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scriptorium.correction.Corrections;
import dev.scriptorium.correction.SegmentRevision;
import dev.scriptorium.transcription.CaptionOptions;
import dev.scriptorium.transcription.JobStatus;
import dev.scriptorium.transcription.Transcript;
import dev.scriptorium.transcription.TranscriptFormat;
import dev.scriptorium.transcription.TranscriptSegment;
import dev.scriptorium.transcription.TranscriptionJob;
import dev.scriptorium.transcription.TranscriptionJobs;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Transcripts and their corrections: downloads in the latest text (or Whisper's, with {@code revision=original}),
 * and edits of one segment at a time, each kept as a revision.
 */
final class TranscriptsApi {
    private static final int MAX_JSON_BYTES = 64 * 1024;
    private final TranscriptionJobs jobs;
    private final Corrections corrections;
    private final ObjectMapper json;

    TranscriptsApi(TranscriptionJobs jobs, Corrections corrections, ObjectMapper json) {
        this.jobs = jobs;
        this.corrections = corrections;
        this.json = json;
    }

    void register(RoutesConfig routes) {
        routes.get("/api/v1/jobs/{id}/transcript", this::transcript);
        routes.get("/api/v1/jobs/{id}/transcript/segments/{n}", this::segment);
        routes.patch("/api/v1/jobs/{id}/transcript/segments/{n}", this::edit);
    }

    private void transcript(Context ctx) throws SQLException {
        TranscriptFormat format = TranscriptFormat.parse(ctx.queryParam("format")).orElseThrow(() ->
                ApiError.badRequest("invalid_format", "format must be one of txt, srt, vtt or json."));
        CaptionOptions captions;
        try {
            captions = CaptionOptions.parse(ctx.queryParam("max_line_chars"), ctx.queryParam("max_lines"));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("invalid_caption_option", e.getMessage());
        }
        boolean original = original(ctx.queryParam("revision"));
        TranscriptionJob job = JobsApi.visibleJob(jobs, ctx);
        Transcript transcript = transcriptOf(job);
        Map<Integer, SegmentRevision> latest = original ? Map.of() : corrections.latest(job.id());
        String baseName = downloadName(job.filename()) + (original ? ".original" : "");
        ctx.header("Content-Disposition", "inline; filename=\"" + baseName + "." + format.extension() + "\"");
        if (format == TranscriptFormat.JSON) {
            ctx.json(TranscriptView.of(transcript, job, latest));
        } else {
            ctx.contentType(format.mediaType()).result(format.render(Corrections.applied(transcript, latest),
                    captions));
        }
    }

    /** One segment as it reads now, with every revision of it, Whisper's first. */
    private void segment(Context ctx) throws SQLException {
        TranscriptionJob job = JobsApi.visibleJob(jobs, ctx);
        Transcript transcript = transcriptOf(job);
        int number = segmentNumber(ctx, transcript);
        ctx.json(segmentAnswer(transcript, number, corrections.history(job.id(), number)));
    }

    /**
     * Makes the body's {@code text} the segment's text. Allowed under a legal hold: the hold keeps the job from
     * deletion, and every revision, Whisper's included, is kept.
     */
    private void edit(Context ctx) throws IOException, SQLException {
        TranscriptionJob job = JobsApi.visibleJob(jobs, ctx);
        Transcript transcript = transcriptOf(job);
        int number = segmentNumber(ctx, transcript);
        String text = editedText(ctx);
        Instant now = jobs.clock().instant();
        try {
            corrections.revise(job.id(), number, text, Access.caller(ctx).name(), now)
                    .orElseThrow(() -> ApiError.notFound("This job has no transcript any more."));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("invalid_text", e.getMessage());
        }
        ctx.json(segmentAnswer(transcript, number, corrections.history(job.id(), number)));
    }

    private Map<String, Object> segmentAnswer(Transcript transcript, int number, List<SegmentRevision> history) {
        TranscriptSegment whisper = transcript.segments().get(number);
        SegmentRevision latest = history.isEmpty() ? null : history.get(history.size() - 1);
        Transcript shown = latest == null ? transcript : Corrections.applied(transcript, Map.of(number, latest));
        List<Map<String, Object>> revisions = new ArrayList<>();
        revisions.add(revision(0, whisper.text(), null, null, null));
        for (SegmentRevision revision : history) {
            revisions.add(revision(revision.revision(), revision.text(), revision.editedBy(), revision.editedAt(),
                    revision.wordTimings()));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("segment", TranscriptView.segment(number, shown.segments().get(number), latest));
        answer.put("revisions", revisions);
        return answer;
    }

    private static Map<String, Object> revision(int number, String text, String editedBy, Instant editedAt,
                                                String wordTimings) {
        Map<String, Object> revision = new LinkedHashMap<>();
        revision.put("revision", number);
        revision.put("text", text);
        revision.put("edited_by", editedBy);
        revision.put("edited_at", editedAt);
        revision.put("word_timings", wordTimings);
        return revision;
    }

    private String editedText(Context ctx) throws IOException {
        byte[] raw = ctx.req().getInputStream().readNBytes(MAX_JSON_BYTES + 1);
        if (raw.length > MAX_JSON_BYTES) {
            throw new ApiError(413, "body_too_large", "An edit is at most " + MAX_JSON_BYTES + " bytes of JSON.");
        }
        JsonNode body;
        try {
            body = json.readTree(raw);
        } catch (IOException e) {
            body = null;
        }
        if (body == null || !body.isObject() || !body.path("text").isTextual()) {
            throw ApiError.badRequest("invalid_body", "Send a JSON object with the segment's new text, such as"
                    + " {\"text\": \"Thanks, Ms Okonkwo.\"}. An empty text removes the segment's words.");
        }
        return body.get("text").asText();
    }

    private static boolean original(String raw) {
        if (raw == null || raw.isBlank() || raw.strip().equals("latest")) {
            return false;
        }
        if (raw.strip().equals("original")) {
            return true;
        }
        throw ApiError.badRequest("invalid_revision", "revision must be latest (the default: with every edit) or"
                + " original (Whisper's text as it came out).");
    }

    private static int segmentNumber(Context ctx, Transcript transcript) {
        int count = transcript.segments().size();
        String raw = ctx.pathParam("n");
        int number;
        try {
            number = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("invalid_segment", "The segment number is the segment's id in the transcript"
                    + " JSON, a whole number from 0.");
        }
        if (number < 0 || number >= count) {
            throw ApiError.notFound("The transcript has no segment " + raw + "; its segments are numbered 0 to "
                    + (count - 1) + ".");
        }
        return number;
    }

    /** The job's transcript, or the reason it has none, in the words a person needs. */
    private Transcript transcriptOf(TranscriptionJob job) {
        if (job.status() == JobStatus.FAILED) {
            // The failure reason says what went wrong and what to do, as the job's failure_reason does.
            throw new ApiError(409, "transcript_unavailable", "The job failed, so it will never have a transcript. "
                    + job.failureReason().orElse("No reason was recorded."));
        }
        if (job.status() == JobStatus.CANCELED) {
            throw new ApiError(409, "transcript_unavailable", "The job was canceled, so it will never have a"
                    + " transcript. Upload the file again to transcribe it.");
        }
        if (job.status() != JobStatus.COMPLETED) {
            throw new ApiError(409, "transcript_not_ready", "The job is " + job.status().apiName()
                    + "; its transcript is available once the status is completed.");
        }
        return jobs.transcript(job.id()).orElseThrow(() ->
                ApiError.notFound("This job has no transcript any more."));
    }

    /** The upload's name without its extension, restricted to characters that are safe in a header. */
    private static String downloadName(String filename) {
        int dot = filename.lastIndexOf('.');
        String stem = dot > 0 ? filename.substring(0, dot) : filename;
        String safe = stem.replaceAll("[^A-Za-z0-9._ -]", "_").strip();
        return safe.isEmpty() ? "transcript" : safe;
    }
}
