package dev.scriptorium.speech;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.scriptorium.media.PcmFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * Silero VAD v5 through ONNX Runtime: the probability of speech in every 32 ms frame of 16 kHz audio. Runs only in
 * the sandboxed child, as all native code does.
 *
 * <p>Silero carries a state from frame to frame, so one stream of frames is one model call per 32 ms, and the calls,
 * not the arithmetic, are most of the cost. The file is therefore cut into segments of a minute that run side by
 * side as the rows of one batch, on up to {@code threads} threads while Whisper waits for the result. Each segment
 * first hears the two seconds before it, and those frames are thrown away, so its state is warm where its own frames
 * begin. The segments and batches depend only on the file's length, never on the threads, so detection gives the
 * same result every time (a retried attempt packs the same chunks).
 *
 * <p>Thread-safe for {@link #detect} calls one at a time (the child serves one request at a time); close it once.
 */
public final class SileroVad implements AutoCloseable {
    /** Samples per frame that Silero v5 takes at 16 kHz. */
    public static final int FRAME = 512;
    /** v5 sees the last samples of the previous frame before each frame. */
    private static final int CONTEXT = 64;
    private static final int STATE = 128;
    private static final int SEGMENT_FRAMES = 1875;
    private static final int WARM_UP_FRAMES = 63;
    /** Segments per model call. */
    private static final int BATCH = 8;
    /** Frames read from the file at a time, per segment. */
    private static final int READ_FRAMES = 128;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final OnnxTensor sampleRate;
    private final int threads;

    private SileroVad(OrtEnvironment environment, OrtSession session, OnnxTensor sampleRate, int threads) {
        this.environment = environment;
        this.session = session;
        this.sampleRate = sampleRate;
        this.threads = threads;
    }

    /** @param threads how many batches may run at once; each model call itself uses one thread */
    public static SileroVad load(Path model, int threads) throws SpeechModelException {
        try {
            OnnxNatives.install();
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            environment.setTelemetry(false);
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            OrtSession session = environment.createSession(model.toString(), options);
            if (!session.getInputNames().containsAll(List.of("input", "state", "sr"))) {
                session.close();
                throw new SpeechModelException(model + " is not a Silero VAD v5 model (its inputs are "
                        + session.getInputNames() + "); get one with models/download.sh silero-vad", null);
            }
            return new SileroVad(environment, session, OnnxTensor.createTensor(environment, new long[]{16000}),
                    Math.max(1, threads));
        } catch (OrtException | IOException | UnsatisfiedLinkError e) {
            throw new SpeechModelException("Cannot load the speech detection model " + model + ": " + e.getMessage()
                    + ". Get it with models/download.sh silero-vad", e);
        }
    }

    /**
     * Writes the speech probability of every frame of the PCM file at {@code pcm} to {@code out} as little-endian
     * float32, the last frame padded with silence.
     *
     * @return the number of frames
     * @throws dev.scriptorium.whisper.AbortedException if {@code aborted} turns true
     */
    public long detect(Path pcm, Path out, IntConsumer percent, BooleanSupplier aborted)
            throws IOException, OrtException {
        long frames;
        try (PcmFile file = new PcmFile(pcm)) {
            frames = (file.samples() + FRAME - 1) / FRAME;
        }
        int segments = (int) ((frames + SEGMENT_FRAMES - 1) / SEGMENT_FRAMES);
        int batches = (segments + BATCH - 1) / BATCH;
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, Math.max(1, batches)), runnable -> {
            Thread thread = new Thread(runnable, "silero-vad");
            thread.setDaemon(true);
            return thread;
        });
        try (FileChannel channel = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            List<Future<?>> running = new ArrayList<>();
            for (int batch = 0; batch < batches; batch++) {
                int first = batch * BATCH;
                int count = Math.min(BATCH, segments - first);
                running.add(pool.submit(() -> {
                    runBatch(pcm, frames, first, count, channel, aborted);
                    percent.accept(done.incrementAndGet() * 100 / batches);
                    return null;
                }));
            }
            for (Future<?> batch : running) {
                try {
                    batch.get();
                } catch (ExecutionException e) {
                    running.forEach(other -> other.cancel(true));
                    throw rethrown(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return frames;
    }

    /** Runs segments {@code first} to {@code first + count - 1} side by side and writes their probabilities. */
    private void runBatch(Path pcmPath, long frames, int first, int count, FileChannel out, BooleanSupplier aborted)
            throws IOException, OrtException {
        long[] starts = new long[count];
        long[] ends = new long[count];
        long[] fromFrame = new long[count];
        int steps = 0;
        for (int row = 0; row < count; row++) {
            starts[row] = (long) (first + row) * SEGMENT_FRAMES;
            ends[row] = Math.min(frames, starts[row] + SEGMENT_FRAMES);
            fromFrame[row] = Math.max(0, starts[row] - WARM_UP_FRAMES);
            steps = (int) Math.max(steps, ends[row] - fromFrame[row]);
        }
        ByteBuffer inputBytes = ByteBuffer.allocateDirect(count * (CONTEXT + FRAME) * Float.BYTES)
                .order(ByteOrder.nativeOrder());
        FloatBuffer input = inputBytes.asFloatBuffer();
        FloatBuffer state = ByteBuffer.allocateDirect(2 * count * STATE * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        float[][] rows = new float[count][CONTEXT + FRAME];
        float[][] block = new float[count][];
        ByteBuffer[] results = new ByteBuffer[count];
        for (int row = 0; row < count; row++) {
            results[row] = ByteBuffer.allocate((int) (ends[row] - starts[row]) * Float.BYTES)
                    .order(ByteOrder.LITTLE_ENDIAN);
        }
        try (PcmFile pcm = new PcmFile(pcmPath);
             OnnxTensor samples = OnnxTensor.createTensor(environment, input, new long[]{count, CONTEXT + FRAME});
             OnnxTensor previous = OnnxTensor.createTensor(environment, state, new long[]{2, count, STATE})) {
            Map<String, OnnxTensor> inputs = Map.of("input", samples, "state", previous, "sr", sampleRate);
            for (int step = 0; step < steps; step++) {
                if (step % READ_FRAMES == 0) {
                    if (aborted.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                        throw new dev.scriptorium.whisper.AbortedException();
                    }
                    for (int row = 0; row < count; row++) {
                        block[row] = pcm.read((fromFrame[row] + step) * FRAME, READ_FRAMES * FRAME);
                    }
                }
                input.clear();
                for (int row = 0; row < count; row++) {
                    float[] frame = rows[row];
                    // Each frame after the previous frame's last samples, which were the end of this row.
                    System.arraycopy(frame, FRAME, frame, 0, CONTEXT);
                    int from = (step % READ_FRAMES) * FRAME;
                    int available = Math.max(0, Math.min(FRAME, block[row].length - from));
                    if (available > 0) {
                        System.arraycopy(block[row], from, frame, CONTEXT, available);
                    }
                    java.util.Arrays.fill(frame, CONTEXT + available, frame.length, 0f);
                    input.put(frame);
                }
                try (OrtSession.Result result = session.run(inputs)) {
                    float[][] probabilities = (float[][]) result.get(0).getValue();
                    state.clear();
                    state.put(((OnnxTensor) result.get(1)).getFloatBuffer());
                    for (int row = 0; row < count; row++) {
                        long frame = fromFrame[row] + step;
                        if (frame >= starts[row] && frame < ends[row]) {
                            results[row].putFloat(probabilities[row][0]);
                        }
                    }
                }
            }
        }
        for (int row = 0; row < count; row++) {
            results[row].flip();
            long position = starts[row] * Float.BYTES;
            while (results[row].hasRemaining()) {
                position += out.write(results[row], position);
            }
        }
    }

    private static IOException rethrown(Throwable cause) throws OrtException {
        if (cause instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (cause instanceof OrtException ort) {
            throw ort;
        }
        if (cause instanceof IOException io) {
            return io;
        }
        return new IOException(cause);
    }

    @Override
    public void close() throws OrtException {
        sampleRate.close();
        session.close();
    }
}
