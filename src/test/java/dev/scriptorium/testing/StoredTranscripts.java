package dev.scriptorium.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Completed jobs with transcripts, written straight into a migrated database, for tests of what is done with stored
 * transcripts (search, edits). Each segment lasts 3 seconds and each of its words half a second, with timings.
 */
public final class StoredTranscripts {
    private StoredTranscripts() {
    }

    public static UUID completed(Connection connection, Optional<UUID> owner, String language, String filename,
                                 String... segments) throws SQLException {
        UUID id = UUID.randomUUID();
        Timestamp now = Timestamp.from(Instant.now());
        try (PreparedStatement job = connection.prepareStatement("insert into transcription_job (id, status,"
                + " filename, language, task, created_at, updated_at, completed_at, owner_key, media_key)"
                + " values (?, 'COMPLETED', ?, ?, 'TRANSCRIBE', ?, ?, ?, ?, ?)");
             PreparedStatement transcript = connection.prepareStatement("insert into transcript (job_id, text,"
                     + " model, created_at) values (?, ?, 'synthetic', ?)");
             PreparedStatement segment = connection.prepareStatement("insert into transcript_segment (job_id,"
                     + " ordinal, start_seconds, end_seconds, text, words) values (?, ?, ?, ?, ?, ?::jsonb)")) {
            job.setObject(1, id);
            job.setString(2, filename);
            job.setString(3, language);
            job.setTimestamp(4, now);
            job.setTimestamp(5, now);
            job.setTimestamp(6, now);
            job.setObject(7, owner.orElse(null));
            job.setString(8, "media/" + id);
            job.executeUpdate();
            transcript.setObject(1, id);
            transcript.setString(2, String.join(" ", segments));
            transcript.setTimestamp(3, now);
            transcript.executeUpdate();
            for (int i = 0; i < segments.length; i++) {
                segment.setObject(1, id);
                segment.setInt(2, i);
                segment.setDouble(3, i * 3.0);
                segment.setDouble(4, i * 3.0 + 3.0);
                segment.setString(5, " " + segments[i]);
                segment.setString(6, words(segments[i], i * 3.0));
                segment.addBatch();
            }
            segment.executeBatch();
        }
        return id;
    }

    private static String words(String text, double start) {
        StringBuilder json = new StringBuilder("[");
        String[] words = text.strip().split("\\s+");
        for (int i = 0; i < words.length; i++) {
            if (i > 0) {
                json.append(',');
            }
            double from = start + i * 0.5;
            json.append("{\"text\":\" ").append(words[i].replace("\\", "\\\\").replace("\"", "\\\""))
                    .append("\",\"start\":").append(from).append(",\"end\":").append(from + 0.5)
                    .append(",\"probability\":0.9}");
        }
        return json.append(']').toString();
    }
}
