package dev.scriptorium.transcription;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/** A stretch of speech with its start and end in seconds from the beginning of the file. */
@Embeddable
public class TranscriptSegment {
    @Column(name = "start_seconds", nullable = false)
    private double start;
    @Column(name = "end_seconds", nullable = false)
    private double end;
    @Column(nullable = false)
    private String text;

    protected TranscriptSegment() {
    }

    public TranscriptSegment(double start, double end, String text) {
        if (end < start) {
            throw new IllegalArgumentException("segment ends before it starts: " + start + " > " + end);
        }
        this.start = start;
        this.end = end;
        this.text = text;
    }

    public double start() { return start; }
    public double end() { return end; }
    public String text() { return text; }
}
