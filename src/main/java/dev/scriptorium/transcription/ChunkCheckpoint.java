package dev.scriptorium.transcription;

import dev.scriptorium.media.AudioChunk;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;
import java.util.UUID;

/** Whisper's segments for one finished chunk of a job's audio, as JSON, times relative to the chunk. */
@Entity
@Table(name = "transcript_chunk")
public class ChunkCheckpoint {
    @EmbeddedId
    private Key key;
    @Column(nullable = false)
    private String segments;

    protected ChunkCheckpoint() {
    }

    ChunkCheckpoint(UUID jobId, long startSample, long endSample, String segments) {
        this.key = new Key(jobId, startSample, endSample);
        this.segments = segments;
    }

    String segments() {
        return segments;
    }

    AudioChunk chunk() {
        return new AudioChunk(key.startSample, key.endSample);
    }

    /** A chunk is identified by its exact sample range: a different cut is a different chunk. */
    @Embeddable
    public static class Key implements Serializable {
        @Column(name = "job_id")
        private UUID jobId;
        @Column(name = "start_sample")
        private long startSample;
        @Column(name = "end_sample")
        private long endSample;

        protected Key() {
        }

        Key(UUID jobId, long startSample, long endSample) {
            this.jobId = jobId;
            this.startSample = startSample;
            this.endSample = endSample;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && key.jobId.equals(jobId) && key.startSample == startSample
                    && key.endSample == endSample;
        }

        @Override
        public int hashCode() {
            return Objects.hash(jobId, startSample, endSample);
        }
    }
}
