package dev.scriptorium.transcription;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import java.util.List;
import java.util.Optional;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A stretch of speech with its start and end in seconds from the beginning of the file, its words, and how sure
 * Whisper was of it. Segments stored before words existed have no words and no measures (empty, not zero).
 */
@Embeddable
public class TranscriptSegment {
    @Column(name = "start_seconds", nullable = false)
    private double start;
    @Column(name = "end_seconds", nullable = false)
    private double end;
    @Column(nullable = false)
    private String text;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "words")
    private List<TranscriptWord> words;
    @Column(name = "avg_logprob")
    private Double avgLogprob;
    @Column(name = "compression_ratio")
    private Double compressionRatio;
    @Column(name = "confidence")
    private Double confidence;
    @Column(name = "no_speech_prob")
    private Double noSpeechProb;

    protected TranscriptSegment() {
    }

    public TranscriptSegment(double start, double end, String text) {
        this(start, end, text, null, null);
    }

    /**
     * @param words      the segment's words on the file's timeline, or null when none were asked for
     * @param avgLogprob the mean log probability of its tokens, if known
     */
    public TranscriptSegment(double start, double end, String text, List<TranscriptWord> words, Double avgLogprob) {
        if (end < start) {
            throw new IllegalArgumentException("segment ends before it starts: " + start + " > " + end);
        }
        this.start = start;
        this.end = end;
        this.text = text;
        this.words = words == null ? null : List.copyOf(words);
        this.avgLogprob = avgLogprob;
        this.compressionRatio = SegmentFlag.compressionRatio(text.strip());
        this.confidence = words == null || words.isEmpty() ? null
                : words.stream().mapToDouble(TranscriptWord::probability).average().orElseThrow();
    }

    /** The same segment with 1 minus the mean speech probability over its span; null where speech detection was off. */
    public TranscriptSegment withNoSpeechProb(Double probability) {
        TranscriptSegment copy = new TranscriptSegment(start, end, text, words, avgLogprob);
        copy.noSpeechProb = probability;
        return copy;
    }

    public double start() { return start; }
    public double end() { return end; }
    public String text() { return text; }
    /** Empty for a segment stored without words. */
    public List<TranscriptWord> words() { return words == null ? List.of() : List.copyOf(words); }
    public boolean hasWords() { return words != null && !words.isEmpty(); }
    /** Null when no words were asked for, unlike {@link #words()}. */
    List<TranscriptWord> wordsOrNull() { return words == null ? null : List.copyOf(words); }
    public Optional<Double> avgLogprob() { return Optional.ofNullable(avgLogprob); }
    public Optional<Double> compressionRatio() { return Optional.ofNullable(compressionRatio); }
    /** The mean probability of the segment's words. */
    public Optional<Double> confidence() { return Optional.ofNullable(confidence); }
    public Optional<Double> noSpeechProb() { return Optional.ofNullable(noSpeechProb); }
    public List<SegmentFlag> flags() { return SegmentFlag.of(text, avgLogprob, compressionRatio, noSpeechProb); }
}
