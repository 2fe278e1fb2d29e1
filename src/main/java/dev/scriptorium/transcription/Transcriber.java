package dev.scriptorium.transcription;

import dev.scriptorium.media.AudioChunk;
import dev.scriptorium.media.PcmFile;
import dev.scriptorium.media.QuietChunker;
import dev.scriptorium.whisper.WhisperSegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleConsumer;

/**
 * Runs Whisper over a PCM file chunk by chunk and stitches the segments back on the file's timeline. Chunking bounds
 * memory and gives real progress: whisper-jni reports none from inside a call.
 */
public final class Transcriber {
    private final QuietChunker chunker;

    public Transcriber(QuietChunker chunker) {
        this.chunker = chunker;
    }

    public List<AudioChunk> plan(Path pcmPath) throws java.io.IOException {
        try (PcmFile pcm = new PcmFile(pcmPath)) {
            return chunker.plan(pcm);
        }
    }

    /**
     * @param progress told the seconds of audio transcribed so far after each chunk
     * @throws InterruptedException if the thread is interrupted between chunks (a shutting-down server)
     */
    public List<TranscriptSegment> transcribe(Path pcm, JobOptions options, ChunkTranscriber whisper,
                                              DoubleConsumer progress) throws Exception {
        List<TranscriptSegment> segments = new ArrayList<>();
        double previousStart = 0;
        for (AudioChunk chunk : plan(pcm)) {
            if (Thread.interrupted()) {
                throw new InterruptedException("transcription interrupted");
            }
            for (WhisperSegment piece : whisper.transcribe(pcm, chunk, options)) {
                String text = piece.text().strip();
                if (text.isEmpty()) {
                    continue;
                }
                // Keep segments ordered and inside their chunk, whatever the decoder predicted.
                double start = clamp(chunk.startSeconds() + piece.start(), previousStart, chunk.endSeconds());
                double end = clamp(chunk.startSeconds() + piece.end(), start, chunk.endSeconds());
                segments.add(new TranscriptSegment(start, end, text));
                previousStart = start;
            }
            progress.accept(chunk.endSeconds());
        }
        return segments;
    }

    private static double clamp(double value, double min, double max) {
        return Math.max(min, Math.min(max, value));
    }
}
