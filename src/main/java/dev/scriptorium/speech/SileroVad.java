package dev.scriptorium.speech;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.scriptorium.media.PcmFile;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * Silero VAD v5 through ONNX Runtime: the probability of speech in every 32 ms frame of 16 kHz audio. Runs only in
 * the sandboxed child, as all native code does. One thread, so that detection is deterministic (a retried attempt
 * packs the same chunks) and leaves the other cores to Whisper.
 *
 * <p>Not thread-safe: one instance per child, used by one request at a time. Close it to free the session.
 */
public final class SileroVad implements AutoCloseable {
    /** Samples per frame that Silero v5 takes at 16 kHz. */
    public static final int FRAME = 512;
    /** v5 sees the last samples of the previous frame before each frame. */
    private static final int CONTEXT = 64;
    private static final int STATE = 2 * 128;
    private static final int FRAMES_PER_READ = 1875;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final OnnxTensor sampleRate;

    private SileroVad(OrtEnvironment environment, OrtSession session, OnnxTensor sampleRate) {
        this.environment = environment;
        this.session = session;
        this.sampleRate = sampleRate;
    }

    public static SileroVad load(Path model) throws SpeechModelException {
        try {
            OnnxNatives.install();
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            environment.setTelemetry(false);
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            OrtSession session = environment.createSession(model.toString(), options);
            if (!session.getInputNames().containsAll(java.util.List.of("input", "state", "sr"))) {
                session.close();
                throw new SpeechModelException(model + " is not a Silero VAD v5 model (its inputs are "
                        + session.getInputNames() + "); get one with models/download.sh silero-vad", null);
            }
            return new SileroVad(environment, session, OnnxTensor.createTensor(environment, new long[]{16000}));
        } catch (OrtException | IOException | UnsatisfiedLinkError e) {
            throw new SpeechModelException("Cannot load the speech detection model " + model + ": " + e.getMessage()
                    + ". Get it with models/download.sh silero-vad", e);
        }
    }

    /**
     * Writes the speech probability of every frame of {@code pcm} to {@code out} as little-endian float32, the last
     * frame padded with silence.
     *
     * @return the number of frames
     * @throws dev.scriptorium.whisper.AbortedException if {@code aborted} turns true
     */
    public long detect(PcmFile pcm, Path out, IntConsumer percent, BooleanSupplier aborted)
            throws IOException, OrtException {
        long frames = (pcm.samples() + FRAME - 1) / FRAME;
        float[] state = new float[STATE];
        float[] input = new float[CONTEXT + FRAME];
        ByteBuffer probabilities = ByteBuffer.allocate(FRAMES_PER_READ * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int reported = -1;
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(out))) {
            for (long first = 0; first < frames; first += FRAMES_PER_READ) {
                if (aborted.getAsBoolean()) {
                    throw new dev.scriptorium.whisper.AbortedException();
                }
                float[] block = pcm.read(first * FRAME, FRAMES_PER_READ * FRAME);
                int count = (int) Math.min(FRAMES_PER_READ, frames - first);
                probabilities.clear();
                for (int frame = 0; frame < count; frame++) {
                    System.arraycopy(input, FRAME, input, 0, CONTEXT);
                    int from = frame * FRAME;
                    int available = Math.max(0, Math.min(FRAME, block.length - from));
                    System.arraycopy(block, from, input, CONTEXT, available);
                    java.util.Arrays.fill(input, CONTEXT + available, input.length, 0f);
                    probabilities.putFloat(run(input, state));
                }
                file.write(probabilities.array(), 0, probabilities.position());
                int done = (int) ((first + count) * 100 / frames);
                if (done != reported) {
                    reported = done;
                    percent.accept(done);
                }
            }
        }
        return frames;
    }

    private float run(float[] input, float[] state) throws OrtException {
        try (OnnxTensor samples = OnnxTensor.createTensor(environment, FloatBuffer.wrap(input),
                new long[]{1, input.length});
             OnnxTensor previous = OnnxTensor.createTensor(environment, FloatBuffer.wrap(state),
                     new long[]{2, 1, 128});
             OrtSession.Result result = session.run(Map.of("input", samples, "state", previous, "sr", sampleRate))) {
            float probability = ((float[][]) result.get(0).getValue())[0][0];
            ((OnnxTensor) result.get(1)).getFloatBuffer().get(state);
            return probability;
        }
    }

    @Override
    public void close() throws OrtException {
        sampleRate.close();
        session.close();
    }
}
