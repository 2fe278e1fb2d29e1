package dev.scriptorium.web;

import dev.scriptorium.transcription.TranscriptionJob;
import java.util.Optional;
import java.util.UUID;

/**
 * What the status cache holds and the status bus carries for a job: its API view and its owner, so that a node can
 * check who may see it without asking the database.
 *
 * @param owner the API key that created the job, or null for anonymous use
 */
public record CachedJob(UUID owner, JobView view) {
    public static CachedJob of(TranscriptionJob job) {
        return new CachedJob(job.ownerKey().orElse(null), JobView.of(job, Optional.empty()));
    }
}
