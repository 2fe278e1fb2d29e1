package dev.scriptorium.correction;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scriptorium.transcription.Transcript;
import dev.scriptorium.transcription.TranscriptSegment;
import dev.scriptorium.transcription.TranscriptWord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Edits of transcript segments, kept as revisions beside Whisper's output in PostgreSQL. Edits of one segment
 * serialize on its row. Thread-safe.
 */
public final class Corrections {
    public static final int MAX_TEXT = 5000;
    private static final TypeReference<List<TranscriptWord>> WORDS = new TypeReference<>() { };
    private final DataSource dataSource;
    private final ObjectMapper json;

    public Corrections(DataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    /**
     * Makes {@code text} the segment's latest text. The same text as now makes no new revision.
     *
     * @return the segment's latest revision afterwards, or empty if the transcript has no such segment
     */
    public Optional<SegmentRevision> revise(UUID jobId, int segment, String text, String editor, Instant at)
            throws SQLException {
        if (text.length() > MAX_TEXT) {
            throw new IllegalArgumentException("A segment's text is at most " + MAX_TEXT + " characters.");
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Optional<SegmentRevision> revised = revise(connection, jobId, segment, text, editor, at);
                connection.commit();
                return revised;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private Optional<SegmentRevision> revise(Connection connection, UUID jobId, int segment, String text,
                                             String editor, Instant at) throws SQLException {
        String originalText;
        List<TranscriptWord> originalWords;
        try (PreparedStatement lock = connection.prepareStatement("select text, words::text from transcript_segment"
                + " where job_id = ? and ordinal = ? for update")) {
            lock.setObject(1, jobId);
            lock.setInt(2, segment);
            try (ResultSet row = lock.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                originalText = row.getString(1);
                originalWords = words(row.getString(2)).orElse(List.of());
            }
        }
        Optional<SegmentRevision> latest = history(connection, jobId, segment).stream().reduce((a, b) -> b);
        String current = latest.map(SegmentRevision::text).orElse(originalText);
        if (current.equals(text)) {
            return latest;
        }
        SegmentRevision revision = new SegmentRevision(jobId, segment, latest.map(SegmentRevision::revision)
                .orElse(0) + 1, text, WordTimings.carriedOver(originalWords, text), editor, at);
        try (PreparedStatement insert = connection.prepareStatement("insert into segment_revision (job_id, ordinal,"
                + " revision, text, words, word_timings, edited_by, edited_at) values (?, ?, ?, ?, ?::jsonb, ?, ?, ?)")) {
            insert.setObject(1, jobId);
            insert.setInt(2, segment);
            insert.setInt(3, revision.revision());
            insert.setString(4, text);
            insert.setString(5, revision.words().isPresent() ? write(revision.words().get()) : null);
            insert.setString(6, revision.wordTimings());
            insert.setString(7, editor);
            insert.setTimestamp(8, Timestamp.from(at));
            insert.executeUpdate();
        }
        return Optional.of(revision);
    }

    /** Every revision of one segment, oldest first. */
    public List<SegmentRevision> history(UUID jobId, int segment) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return history(connection, jobId, segment);
        }
    }

    private List<SegmentRevision> history(Connection connection, UUID jobId, int segment) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("select ordinal, revision, text, words::text,"
                + " edited_by, edited_at from segment_revision where job_id = ? and ordinal = ? order by revision")) {
            select.setObject(1, jobId);
            select.setInt(2, segment);
            return read(select, jobId);
        }
    }

    /** The latest revision of each edited segment of a job, by segment number. */
    public Map<Integer, SegmentRevision> latest(UUID jobId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("select distinct on (ordinal) ordinal,"
                     + " revision, text, words::text, edited_by, edited_at from segment_revision where job_id = ?"
                     + " order by ordinal, revision desc")) {
            select.setObject(1, jobId);
            Map<Integer, SegmentRevision> latest = new HashMap<>();
            for (SegmentRevision revision : read(select, jobId)) {
                latest.put(revision.segment(), revision);
            }
            return latest;
        }
    }

    /** The transcript as it reads now: each edited segment in its latest revision, with its span. */
    public static Transcript applied(Transcript original, Map<Integer, SegmentRevision> latest) {
        if (latest.isEmpty()) {
            return original;
        }
        List<TranscriptSegment> segments = new ArrayList<>(original.segments());
        latest.forEach((number, revision) -> {
            if (number < segments.size()) {
                TranscriptSegment segment = segments.get(number);
                // A person's text has no model confidence: the measures of Whisper's text do not carry over.
                segments.set(number, new TranscriptSegment(segment.start(), segment.end(), revision.text(),
                        revision.words().orElse(List.of()), null));
            }
        });
        return new Transcript(original.jobId(), segments, original.model(), original.createdAt());
    }

    private List<SegmentRevision> read(PreparedStatement select, UUID jobId) throws SQLException {
        List<SegmentRevision> revisions = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                revisions.add(new SegmentRevision(jobId, rows.getInt("ordinal"), rows.getInt("revision"),
                        rows.getString("text"), words(rows.getString(4)), rows.getString("edited_by"),
                        rows.getTimestamp("edited_at").toInstant()));
            }
        }
        return revisions;
    }

    private Optional<List<TranscriptWord>> words(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(raw, WORDS));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable words in the database", e);
        }
    }

    private String write(List<TranscriptWord> words) {
        try {
            return json.writeValueAsString(words);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
