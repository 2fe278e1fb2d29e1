package dev.scriptorium.web;

import dev.scriptorium.storage.ObjectStore;
import dev.scriptorium.transcription.TranscriptionJob;
import dev.scriptorium.transcription.TranscriptionJobs;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GET /api/v1/jobs/{id}/media: the job's stored media, while it is stored, with byte ranges, so that a player seeks
 * without downloading the whole file. Each range is read from the object store as a range, never from the start.
 */
final class MediaApi {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
    private final TranscriptionJobs jobs;
    private final ObjectStore store;

    MediaApi(TranscriptionJobs jobs, ObjectStore store) {
        this.jobs = jobs;
        this.store = store;
    }

    void register(RoutesConfig routes) {
        routes.get("/api/v1/jobs/{id}/media", this::media);
    }

    private void media(Context ctx) throws IOException {
        TranscriptionJob job = JobsApi.visibleJob(jobs, ctx);
        if (job.mediaDeletedAt().isPresent()) {
            throw gone();
        }
        String key = job.mediaKey().orElseThrow(() -> new ApiError(409, "media_not_ready", "The media is not"
                + " stored yet; it is once the job leaves the ingesting stage."));
        long total;
        try {
            total = store.size(key);
        } catch (RuntimeException e) {
            if (!store.exists(key)) {
                throw gone();
            }
            throw e;
        }
        long first = 0;
        long last = total - 1;
        String range = ctx.header("Range");
        boolean partial = range != null && total > 0;
        if (partial) {
            Matcher matcher = RANGE.matcher(range.strip());
            if (!matcher.matches() || (matcher.group(1).isEmpty() && matcher.group(2).isEmpty())) {
                // Several ranges, or another unit: the whole file is a valid answer to any of them.
                partial = false;
            } else if (matcher.group(1).isEmpty()) {
                first = Math.max(0, total - Long.parseLong(matcher.group(2)));
            } else {
                first = Long.parseLong(matcher.group(1));
                if (!matcher.group(2).isEmpty()) {
                    last = Math.min(last, Long.parseLong(matcher.group(2)));
                }
            }
            if (partial && (first >= total || first > last)) {
                ctx.header("Content-Range", "bytes */" + total);
                throw new ApiError(416, "range_not_satisfiable", "The media is " + total + " bytes long; ask for"
                        + " a range within it.");
            }
        }
        ctx.header("Accept-Ranges", "bytes");
        ctx.header("Cache-Control", "private, no-cache");
        ctx.contentType(mediaType(job));
        if (total == 0) {
            ctx.header("Content-Length", "0");
            return;
        }
        try (ObjectStore.Stretch stretch = store.read(key, first, last)) {
            if (partial) {
                ctx.status(206).header("Content-Range", "bytes " + first + "-" + last + "/" + total);
            }
            ctx.header("Content-Length", String.valueOf(stretch.length()));
            if (ctx.method().name().equals("HEAD")) {
                return;
            }
            OutputStream out = ctx.res().getOutputStream();
            stretch.body().transferTo(out);
            out.flush();
        } catch (NoSuchElementException e) {
            throw gone();
        }
    }

    private static ApiError gone() {
        return new ApiError(410, "media_gone", "The media of this job is no longer stored (deleted by the"
                + " retention policy or on request); its transcript is still here.");
    }

    /** A type a browser's player accepts, from the container FFmpeg found; the bytes decide in the end. */
    private static String mediaType(TranscriptionJob job) {
        String container = job.mediaContainer().orElse("").toLowerCase(Locale.ROOT);
        String name = job.filename().toLowerCase(Locale.ROOT);
        if (container.contains("webm") || name.endsWith(".webm")) {
            return "video/webm";
        }
        if (container.contains("mp4") || container.contains("mov")) {
            return name.endsWith(".m4a") ? "audio/mp4" : "video/mp4";
        }
        if (container.equals("wav")) {
            return "audio/wav";
        }
        if (container.equals("mp3")) {
            return "audio/mpeg";
        }
        if (container.equals("ogg")) {
            return "audio/ogg";
        }
        if (container.equals("flac")) {
            return "audio/flac";
        }
        if (container.contains("matroska")) {
            return "video/x-matroska";
        }
        return "application/octet-stream";
    }
}
