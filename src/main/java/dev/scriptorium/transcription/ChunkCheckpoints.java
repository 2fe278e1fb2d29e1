package dev.scriptorium.transcription;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scriptorium.media.AudioChunk;
import dev.scriptorium.whisper.WhisperSegment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.SessionFactory;

/**
 * Finished chunks of running jobs in PostgreSQL. Extraction and chunk planning are deterministic, so a retried
 * attempt cuts the same chunks and finds the finished ones here. Thread-safe.
 */
public final class ChunkCheckpoints {
    private static final TypeReference<List<WhisperSegment>> SEGMENTS = new TypeReference<>() { };
    private final SessionFactory sessions;
    private final ObjectMapper json;

    public ChunkCheckpoints(SessionFactory sessions, ObjectMapper json) {
        this.sessions = sessions;
        this.json = json;
    }

    public Optional<List<WhisperSegment>> find(UUID jobId, AudioChunk chunk) {
        ChunkCheckpoint checkpoint = sessions.fromStatelessTransaction(session -> session.get(ChunkCheckpoint.class,
                new ChunkCheckpoint.Key(jobId, chunk.startSample(), chunk.endSample())));
        if (checkpoint == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(checkpoint.segments(), SEGMENTS));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** Every finished chunk of the job, by its sample range. */
    public Map<AudioChunk, List<WhisperSegment>> all(UUID jobId) {
        List<ChunkCheckpoint> found = sessions.fromStatelessTransaction(session -> session
                .createSelectionQuery("from ChunkCheckpoint where key.jobId = :id", ChunkCheckpoint.class)
                .setParameter("id", jobId)
                .getResultList());
        Map<AudioChunk, List<WhisperSegment>> chunks = new HashMap<>();
        for (ChunkCheckpoint checkpoint : found) {
            try {
                chunks.put(checkpoint.chunk(), json.readValue(checkpoint.segments(), SEGMENTS));
            } catch (JsonProcessingException e) {
                // An unreadable checkpoint is as good as none: the chunk is transcribed again.
            }
        }
        return chunks;
    }

    /** Drops every finished chunk of the job: they were cut from audio packed differently. */
    public void clear(UUID jobId) {
        sessions.inTransaction(session -> session
                .createMutationQuery("delete from ChunkCheckpoint where key.jobId = :id")
                .setParameter("id", jobId)
                .executeUpdate());
    }

    public void save(UUID jobId, AudioChunk chunk, List<WhisperSegment> segments) {
        String text;
        try {
            text = json.writeValueAsString(segments);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        ChunkCheckpoint checkpoint = new ChunkCheckpoint(jobId, chunk.startSample(), chunk.endSample(), text);
        sessions.inTransaction(session -> session.merge(checkpoint));
    }
}
