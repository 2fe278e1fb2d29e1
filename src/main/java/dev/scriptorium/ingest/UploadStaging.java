package dev.scriptorium.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The local directory where uploads wait until they are in object storage. Files are named by job id, never by the
 * user's file name. Thread-safe.
 */
public final class UploadStaging {
    private final Path directory;

    public UploadStaging(Path directory) throws IOException {
        this.directory = Files.createDirectories(directory);
    }

    public Path directory() {
        return directory;
    }

    public Path path(UUID jobId) {
        return directory.resolve(jobId.toString());
    }

    public void delete(UUID jobId) throws IOException {
        Files.deleteIfExists(path(jobId));
    }
}
