package dev.scriptorium.transcription;

import dev.scriptorium.media.AudioChunk;
import dev.scriptorium.media.PcmFile;
import dev.scriptorium.media.QuietChunker;
import dev.scriptorium.whisper.WhisperSegment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a PCM file into chunks and stitches the chunks' segments back on the file's timeline. Chunking bounds memory,
 * gives real progress (whisper-jni reports none from inside a call), and lets one file use several worker slots.
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
     * @return the segments on the media's timeline: ordered, and each inside its chunk
     */
    public List<TranscriptSegment> stitch(List<AudioChunk> chunks, List<List<WhisperSegment>> perChunk,
                                          double audioStart) {
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
                segments.add(new TranscriptSegment(audioStart + start, audioStart + end, text));
                previousStart = start;
            }
        }
        return segments;
    }

    private static double clamp(double value, double min, double max) {
        return Math.max(min, Math.min(max, value));
    }
}
