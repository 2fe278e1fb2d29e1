package dev.scriptorium.ingest;

import dev.scriptorium.storage.StorageSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Staging of uploads, the size of the ingest queue's worker pool, and fetching media that jobs name by URL.
 *
 * @param downloadDeadline how long fetching one job's media by URL or S3 key may take in all
 * @param sourceStore      the store {@code s3://} URLs read from; empty: the service's own store
 * @param sourceBuckets    the only buckets {@code s3://} URLs may name
 */
public record IngestSettings(Path stagingDir, int workers, Duration downloadDeadline,
                             Optional<StorageSettings> sourceStore, List<String> sourceBuckets) {
    public IngestSettings {
        sourceBuckets = List.copyOf(sourceBuckets);
    }
}
