package dev.scriptorium.transcription;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OrderColumn;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The text of a completed job: its segments in order, and the whole text. */
@Entity
@Table(name = "transcript")
public class Transcript {
    @Id
    @Column(name = "job_id")
    private UUID jobId;
    @Column(nullable = false)
    private String text;
    @Column(nullable = false)
    private String model;
    @Column(name = "created_at", nullable = false)
    private Instant createdAt;
    @ElementCollection
    @CollectionTable(name = "transcript_segment", joinColumns = @JoinColumn(name = "job_id"))
    @OrderColumn(name = "ordinal")
    private List<TranscriptSegment> segments = new ArrayList<>();

    protected Transcript() {
    }

    public Transcript(UUID jobId, List<TranscriptSegment> segments, String model, Instant createdAt) {
        this.jobId = jobId;
        this.segments = new ArrayList<>(segments);
        this.text = joinText(segments);
        this.model = model;
        this.createdAt = createdAt;
    }

    private static String joinText(List<TranscriptSegment> segments) {
        StringBuilder text = new StringBuilder();
        for (TranscriptSegment segment : segments) {
            String piece = segment.text().strip();
            if (piece.isEmpty()) {
                continue;
            }
            if (text.length() > 0) {
                text.append(' ');
            }
            text.append(piece);
        }
        return text.toString();
    }

    public UUID jobId() { return jobId; }
    public String text() { return text; }
    public String model() { return model; }
    public Instant createdAt() { return createdAt; }
    public List<TranscriptSegment> segments() { return List.copyOf(segments); }

    /** The same transcript for another job: the segments are copied, so that each job owns its own rows. */
    Transcript copyFor(UUID otherJob, Instant now) {
        List<TranscriptSegment> copied = new ArrayList<>();
        for (TranscriptSegment segment : segments) {
            copied.add(new TranscriptSegment(segment.start(), segment.end(), segment.text(), segment.wordsOrNull(),
                    segment.avgLogprob().orElse(null)).withNoSpeechProb(segment.noSpeechProb().orElse(null)));
        }
        return new Transcript(otherJob, copied, model, now);
    }
}
