package dev.scriptorium.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scriptorium.transcription.TranscriptionJob;
import java.util.Optional;
import java.util.UUID;

/**
 * What the status cache holds and the status bus carries for a job: one header line with what a node needs to decide
 * without parsing (owner, version, status), then the job's API view as JSON. A plain status request for a job that
 * is not queued is answered with that JSON as it is, with no parsing or re-encoding on the way.
 *
 * <pre>v1 OWNER|- VERSION STATUS
 * {"id": ...}</pre>
 *
 * @param owner the API key that created the job; empty for anonymous use
 */
public record StatusEntry(Optional<UUID> owner, long version, String status, String viewJson) {
    private static final String FORMAT = "v1";

    /** How job changes are cached and published: see {@link dev.scriptorium.status.JobEvents}. */
    public static dev.scriptorium.status.JobEvents.Encoder encoder(ObjectMapper json) {
        return job -> encode(json, job);
    }

    static String encode(ObjectMapper json, TranscriptionJob job) throws JsonProcessingException {
        JobView view = JobView.of(job, Optional.empty());
        return FORMAT + " " + job.ownerKey().map(UUID::toString).orElse("-") + " " + view.version() + " "
                + view.status() + "\n" + json.writeValueAsString(view);
    }

    /** Empty for anything that is not an entry of this format (e.g. one written by an older node). */
    static Optional<StatusEntry> decode(String text) {
        int newline = text.indexOf('\n');
        if (newline < 0) {
            return Optional.empty();
        }
        String[] header = text.substring(0, newline).split(" ");
        if (header.length != 4 || !header[0].equals(FORMAT)) {
            return Optional.empty();
        }
        try {
            Optional<UUID> owner = header[1].equals("-") ? Optional.empty() : Optional.of(UUID.fromString(header[1]));
            return Optional.of(new StatusEntry(owner, Long.parseLong(header[2]), header[3],
                    text.substring(newline + 1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    boolean finished() {
        return status.equals("completed") || status.equals("failed") || status.equals("canceled");
    }
}
