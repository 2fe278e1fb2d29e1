package dev.scriptorium.ingest;

import java.nio.file.Path;

/** Staging of uploads and the size of the ingest queue's worker pool. */
public record IngestSettings(Path stagingDir, int workers) {
}
