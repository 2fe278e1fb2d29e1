package dev.scriptorium.web;

import io.javalin.http.Context;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Multipart uploads: Jetty streams each part to a temp file on the staging disk, never to memory, and stops at the
 * size limit.
 */
final class Multipart {
    /** Room for the multipart boundaries and the small form fields beside the file. */
    static final long ENVELOPE_BYTES = 1024 * 1024;

    private Multipart() {
    }

    static List<Part> fileParts(Context ctx, String field, long maxUploadBytes) {
        if (!ctx.isMultipartFormData()) {
            throw ApiError.badRequest("not_multipart", "Send the media as multipart/form-data in a field named '"
                    + field + "'.");
        }
        try {
            // Javalin installs the multipart configuration (limits, temp dir) here; getParts() relies on it.
            ctx.uploadedFiles(field);
            List<Part> files = new ArrayList<>();
            for (Part part : ctx.req().getParts()) {
                if (field.equals(part.getName()) && part.getSubmittedFileName() != null) {
                    files.add(part);
                }
            }
            return files;
        } catch (IOException | ServletException | RuntimeException e) {
            if (isSizeLimit(e)) {
                drainRest(ctx);
                throw tooLarge(maxUploadBytes);
            }
            if (e instanceof ApiError apiError) {
                throw apiError;
            }
            throw ApiError.badRequest("bad_multipart", "The upload could not be read as multipart/form-data. "
                    + "Send the file in a field named '" + field + "'.");
        }
    }

    /** A refused body is read up to this much before the refusal goes out; a longer one is cut off. */
    private static final long DRAIN_LIMIT = 16L * 1024 * 1024;

    /**
     * Reads what is left of a refused upload, up to {@link #DRAIN_LIMIT}: a client that streams its upload (OpenAI's
     * SDKs, curl with chunked encoding) reads the answer only once it has sent everything, and an answer before that
     * reaches it as a broken connection instead of the refusal.
     */
    static void drainRest(Context ctx) {
        try {
            java.io.InputStream body = ctx.req().getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long drained = 0;
            for (int read; drained < DRAIN_LIMIT && (read = body.read(buffer)) >= 0; ) {
                drained += read;
            }
        } catch (IOException | RuntimeException e) {
            // The stream is spent or the client went away: the 413 goes out as it is.
        }
    }

    static void discard(List<Part> parts) {
        for (Part part : parts) {
            try {
                part.delete();
            } catch (IOException | RuntimeException ignored) {
                // Jetty removes what is left when the request ends.
            }
        }
    }

    static ApiError tooLarge(long maxUploadBytes) {
        return new ApiError(413, "file_too_large", "The upload is larger than this server's limit of "
                + humanBytes(maxUploadBytes) + " (" + maxUploadBytes + " bytes). Upload a smaller file: keep only"
                + " the audio (e.g. ffmpeg -i in.mp4 -vn -c:a libopus out.ogg) or split the file into parts.");
    }

    private static boolean isSizeLimit(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains("max") && (message.contains("size") || message.contains("length")
                    || message.contains("exceed"))) {
                return true;
            }
            if (cause.getClass().getSimpleName().contains("TooLarge")) {
                return true;
            }
        }
        return false;
    }

    static String humanBytes(long bytes) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return value == Math.rint(value)
                ? String.format(Locale.ROOT, "%d %s", (long) value, units[unit])
                : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
