package dev.scriptorium.ingest;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import me.desair.tus.server.TusFileUploadService;
import me.desair.tus.server.exception.TusException;
import me.desair.tus.server.upload.UploadInfo;

/**
 * Uploads that survive a dropped connection: the tus 1.0 protocol with its creation and termination extensions (and
 * expiration, which says when an idle upload lapses), by tus-java-server. Partial uploads live on this node's disk
 * under {@code directory}, in the library's layout ({@code uploads/ID/}); the retention sweep removes those idle for
 * longer than the orphan grace period. Each upload belongs to the caller that created it. Thread-safe: the library
 * locks an upload while a request works on it.
 */
public final class ResumableUploads {
    /** Where the tus endpoints are: POST here creates an upload, and each upload lives under it. */
    public static final String PATH = "/api/v1/uploads";
    /** The folder under the staging directory that holds partial uploads. */
    public static final String FOLDER = "resumable";
    private final TusFileUploadService tus;

    public ResumableUploads(Path directory, long maxUploadBytes, Duration idleExpiry) throws IOException {
        Files.createDirectories(directory);
        this.tus = new TusFileUploadService()
                .withStoragePath(directory.toString())
                .withUploadUri(PATH)
                .withMaxUploadSize(maxUploadBytes)
                .withUploadExpirationPeriod(idleExpiry.toMillis())
                // One upload, one file: concatenation of partial uploads is not offered.
                .disableTusExtension("concatenation");
    }

    /** Answers one tus request for {@code owner}'s uploads, status, headers and all. */
    public void handle(HttpServletRequest request, HttpServletResponse response, String owner) throws IOException {
        tus.process(request, response, owner);
    }

    /** An upload whose every byte has arrived, with the metadata its client sent when creating it. */
    public record Finished(String uri, String owner, long length, Map<String, String> metadata) {
    }

    /** The upload at {@code uri}, if it belongs to {@code owner} and is complete. */
    public Optional<Finished> finished(String uri, String owner) throws IOException {
        UploadInfo info;
        try {
            info = tus.getUploadInfo(uri, owner);
        } catch (TusException e) {
            return Optional.empty();
        }
        if (info == null || info.isUploadInProgress() || !info.hasLength()) {
            return Optional.empty();
        }
        return Optional.of(new Finished(uri, owner, info.getLength(), info.hasMetadata() ? info.getMetadata()
                : Map.of()));
    }

    /** Writes the finished upload's bytes to {@code target}, then lets the upload go. */
    public void moveTo(Finished upload, Path target) throws IOException {
        try (InputStream bytes = tus.getUploadedBytes(upload.uri(), upload.owner())) {
            if (bytes == null) {
                throw new IOException("the upload " + upload.uri() + " is gone");
            }
            Files.copy(bytes, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (TusException e) {
            throw new IOException("the upload " + upload.uri() + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Deletes an upload's bytes once its job holds them. */
    public void forget(Finished upload) throws IOException {
        try {
            tus.deleteUpload(upload.uri(), upload.owner());
        } catch (TusException e) {
            throw new IOException("the upload " + upload.uri() + " could not be deleted: " + e.getMessage(), e);
        }
    }
}
