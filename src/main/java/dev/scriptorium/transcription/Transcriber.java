package dev.scriptorium.transcription;

import dev.scriptorium.media.AudioChunk;
import dev.scriptorium.media.PcmFile;
import dev.scriptorium.media.QuietChunker;
import dev.scriptorium.whisper.WhisperSegment;
import dev.scriptorium.whisper.WhisperWord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a PCM file into chunks and stitches the chunks' segments, and their words, back on the file's timeline.
 * Chunking bounds memory and lets one file use several worker slots.
 */
public final class Transcriber {
    private final QuietChunker chunker;

    public Transcriber(QuietChunker chunker) {
        this.chunker = chunker;
    }

    public List<AudioChunk> plan(Path pcmPath) throws IOException {
        try (PcmFile pcm = new PcmFile(pcmPath)) {
            return chunker.plan(pcm);
        }
    }

    /**
     * @param perChunk     each chunk's segments, in chunk order, with times relative to the chunk
     * @param audioStart   where the PCM file's first sample lies on the media's timeline (a late audio track)
     * @param options      the job's options; with word timestamps, every segment carries its words
     * @return the segments on the media's timeline: ordered, each inside its chunk, and each word inside its segment
     */
    public List<TranscriptSegment> stitch(List<AudioChunk> chunks, List<List<WhisperSegment>> perChunk,
                                          double audioStart, JobOptions options) {
        List<TranscriptSegment> segments = new ArrayList<>();
        double previousStart = 0;
        for (int i = 0; i < chunks.size(); i++) {
            AudioChunk chunk = chunks.get(i);
            for (WhisperSegment piece : perChunk.get(i)) {
                String text = piece.text().strip();
                if (text.isEmpty()) {
                    continue;
                }
                // Keep segments ordered and inside their chunk, whatever the decoder predicted.
                double start = clamp(chunk.startSeconds() + piece.start(), previousStart, chunk.endSeconds());
                double end = clamp(chunk.startSeconds() + piece.end(), start, chunk.endSeconds());
                List<TranscriptWord> words = options.wordTimestamps()
                        ? words(piece, chunk.startSeconds() + audioStart, audioStart + start, audioStart + end)
                        : null;
                segments.add(new TranscriptSegment(audioStart + start, audioStart + end, text, words,
                        piece.avgLogprob()));
                previousStart = start;
            }
        }
        return segments;
    }

    /** The piece's words moved by {@code offset} onto the file's timeline, kept in order inside the segment. */
    private static List<TranscriptWord> words(WhisperSegment piece, double offset, double segmentStart,
                                              double segmentEnd) {
        List<TranscriptWord> words = new ArrayList<>(piece.words().size());
        double previousEnd = segmentStart;
        for (WhisperWord word : piece.words()) {
            double start = clamp(offset + word.start(), previousEnd, segmentEnd);
            double end = clamp(offset + word.end(), start, segmentEnd);
            words.add(new TranscriptWord(word.text(), start, end, word.probability()));
            previousEnd = end;
        }
        return words;
    }

    private static double clamp(double value, double min, double max) {
        return Math.max(min, Math.min(max, value));
    }
}
