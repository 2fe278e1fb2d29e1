package dev.scriptorium.speech;

import dev.scriptorium.media.MediaFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Silero's speech probability for every frame of a file, as the child wrote them. Immutable and thread-safe.
 */
public final class SpeechProbabilities {
    private static final double FRAME_SECONDS = SileroVad.FRAME / (double) MediaFile.SAMPLE_RATE;
    private final float[] frames;

    public SpeechProbabilities(float[] frames) {
        this.frames = frames.clone();
    }

    /** Reads little-endian float32 values. */
    public static SpeechProbabilities read(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] frames = new float[bytes.remaining() / Float.BYTES];
        bytes.asFloatBuffer().get(frames);
        return new SpeechProbabilities(frames);
    }

    public float[] frames() {
        return frames.clone();
    }

    public int size() {
        return frames.length;
    }

    /**
     * The mean speech probability of the frames that overlap [start, end) on the file's timeline; for an empty
     * span, that of the frame it lies in.
     */
    public double meanOver(double startSeconds, double endSeconds) {
        if (frames.length == 0) {
            return 0;
        }
        int first = clamp((int) Math.floor(startSeconds / FRAME_SECONDS));
        int last = clamp((int) Math.ceil(endSeconds / FRAME_SECONDS) - 1);
        if (last < first) {
            last = first;
        }
        double sum = 0;
        for (int frame = first; frame <= last; frame++) {
            sum += frames[frame];
        }
        return sum / (last - first + 1);
    }

    private int clamp(int frame) {
        return Math.max(0, Math.min(frames.length - 1, frame));
    }
}
