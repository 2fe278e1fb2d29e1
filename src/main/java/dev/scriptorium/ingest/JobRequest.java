package dev.scriptorium.ingest;

import dev.scriptorium.transcription.JobOptions;
import java.net.URI;
import java.util.Optional;
import java.util.UUID;

/**
 * What a submit asks for, besides the media itself.
 *
 * @param filename           the name the user knows the media by, as sent
 * @param deleteAfterSeconds when set, the job goes this long after it ends, whatever the retention policy
 * @param owner              the API key that submits it; none for anonymous use
 * @param webhookUrl         where the job's end is announced, instead of the key's default URL
 * @param idempotency        the request's Idempotency-Key, if it sent one
 * @param reuse              whether an earlier transcript of the same bytes and options may stand in for Whisper
 */
public record JobRequest(String filename, JobOptions options, Optional<Long> deleteAfterSeconds,
                         Optional<UUID> owner, Optional<URI> webhookUrl,
                         Optional<Uploads.Idempotency> idempotency, boolean reuse) {
    public static JobRequest of(String filename, JobOptions options) {
        return new JobRequest(filename, options, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), true);
    }
}
