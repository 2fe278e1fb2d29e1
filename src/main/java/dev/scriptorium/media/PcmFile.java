package dev.scriptorium.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Random access to a file of little-endian float32 mono samples at 16 kHz, so that long audio is held in memory one
 * chunk at a time. Not thread-safe.
 */
public final class PcmFile implements AutoCloseable {
    private final FileChannel channel;
    private final long samples;

    public PcmFile(Path path) throws IOException {
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        this.samples = channel.size() / Float.BYTES;
    }

    public long samples() {
        return samples;
    }

    public double seconds() {
        return samples / (double) MediaFile.SAMPLE_RATE;
    }

    /** Reads up to {@code count} samples starting at sample {@code from}. */
    public float[] read(long from, int count) throws IOException {
        int available = (int) Math.max(0, Math.min(count, samples - from));
        ByteBuffer bytes = ByteBuffer.allocate(available * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        long position = from * Float.BYTES;
        while (bytes.hasRemaining()) {
            int read = channel.read(bytes, position + bytes.position());
            if (read < 0) {
                break;
            }
        }
        bytes.flip();
        float[] result = new float[bytes.remaining() / Float.BYTES];
        bytes.asFloatBuffer().get(result);
        return result;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
