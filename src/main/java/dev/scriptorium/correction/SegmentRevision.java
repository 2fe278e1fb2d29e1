package dev.scriptorium.correction;

import dev.scriptorium.transcription.TranscriptWord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One edit of a transcript segment. Revisions are numbered from 1 per segment; Whisper's own text is revision 0 and
 * stays in the segment itself.
 *
 * @param words the edited words with the original timings, empty where they could not be kept
 */
public record SegmentRevision(UUID jobId, int segment, int revision, String text,
                              Optional<List<TranscriptWord>> words, String editedBy, Instant editedAt) {

    /** "kept" where the words kept Whisper's timings, "edited" where only the segment's span stands. */
    public String wordTimings() {
        return words.isPresent() ? "kept" : "edited";
    }
}
