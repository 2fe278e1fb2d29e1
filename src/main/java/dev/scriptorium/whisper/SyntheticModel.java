package dev.scriptorium.whisper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * Writes ggml whisper models with seeded random weights: real Whisper weights cannot be fetched where this project is
 * built and tested, yet transcription must run end to end through whisper.cpp at the real model sizes (and so at the
 * real cost). The layout is the one whisper.cpp's {@code models/convert-pt-to-ggml.py} writes and whisper.cpp v1.7.1's
 * {@code whisper_model_load} checks; such a model transcribes readable nonsense, the same for the same seed.
 *
 * <p>Every such model carries {@link #MARKER} as the name of its end-of-text token, so that it is known for what it is
 * whatever its file is called ({@link ModelHeader} reads it). whisper.cpp never prints that token: it leaves every
 * token from end-of-text on out of a segment's text, and names only the special tokens a file does not name itself.
 */
public final class SyntheticModel {

    /** The hyper-parameters of OpenAI's multilingual Whisper models. */
    public enum Dims {
        TINY("tiny", 384, 6, 4, 80, 51865),
        BASE("base", 512, 8, 6, 80, 51865),
        SMALL("small", 768, 12, 12, 80, 51865),
        MEDIUM("medium", 1024, 16, 24, 80, 51865),
        LARGE_V3("large-v3", 1280, 20, 32, 128, 51866);

        private final String label;
        private final int width;
        private final int heads;
        private final int layers;
        private final int mels;
        private final int vocab;

        Dims(String label, int width, int heads, int layers, int mels, int vocab) {
            this.label = label;
            this.width = width;
            this.heads = heads;
            this.layers = layers;
            this.mels = mels;
            this.vocab = vocab;
        }

        public static Dims parse(String name) {
            for (Dims dims : values()) {
                if (dims.label.equalsIgnoreCase(name)) {
                    return dims;
                }
            }
            String valid = Arrays.stream(values()).map(d -> d.label).collect(Collectors.joining(", "));
            throw new IllegalArgumentException("unknown Whisper model size '" + name + "'; valid: " + valid);
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** The name of a synthetic model's end-of-text token. */
    public static final String MARKER = "<|scriptorium-synthetic|>";
    /** Where {@code models synthesize} writes by default, and where serve looks for a stand-in model. */
    public static final String FILE_PREFIX = "ggml-synthetic-";
    /** "ggml", the first four bytes of every ggml model file. */
    static final int MAGIC = 0x67676d6c;
    private static final int AUDIO_CTX = 1500;
    private static final int TEXT_CTX = 448;
    private static final int FTYPE_F16 = 1;
    private static final int GGML_TYPE_F32 = 0;
    private static final int GGML_TYPE_F16 = 1;
    private static final int SAMPLE_RATE = 16000;
    private static final int N_FFT = 400;
    /**
     * Ids from here on are special tokens (end of text, languages, tasks, timestamps) that whisper.cpp names itself;
     * English-only models have one text token fewer, and their end of text one id earlier.
     */
    private static final int TEXT_TOKENS = 50257;
    /** Uniform bound for a standard deviation of 0.02 (GPT-style init): keeps every activation small and finite. */
    private static final double NOISE_BOUND = 0.02 * Math.sqrt(3);
    private static final short F16_ONE = 0x3c00;

    private static final List<String> ONSETS = List.of("b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v",
            "z", "br", "ch", "dr", "gr", "kl", "sh", "st", "th", "tr");
    private static final List<String> VOWELS = List.of("a", "e", "i", "o", "u", "ai", "ea", "io", "ou");
    private static final List<String> CODAS = List.of("", "", "", "n", "r", "s", "l", "m", "nd", "st");

    private SyntheticModel() {
    }

    /** A multilingual model. */
    public static void write(Path out, Dims dims, long seed) throws IOException {
        write(out, dims, seed, false);
    }

    /**
     * @param englishOnly one token fewer (51864 for tiny to medium), as OpenAI's {@code *.en} models: whisper.cpp
     *                    takes a model for multilingual only from 51865 tokens on
     */
    public static void write(Path out, Dims dims, long seed, boolean englishOnly) throws IOException {
        Objects.requireNonNull(dims, "dims");
        if (englishOnly && dims == Dims.LARGE_V3) {
            throw new IllegalArgumentException("there is no English-only large-v3 model (OpenAI made English-only"
                    + " models up to medium)");
        }
        int vocab = dims.vocab - (englishOnly ? 1 : 0);
        int textTokens = TEXT_TOKENS - (englishOnly ? 1 : 0);
        // Written beside the target and moved into place, so that an interrupted write never leaves a truncated
        // model where a reader expects a whole one.
        Path partial = out.resolveSibling(out.getFileName() + ".part");
        SplittableRandom random = new SplittableRandom(seed);
        try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            Sink sink = new Sink(channel);
            header(sink, dims, vocab);
            melFilters(sink, dims.mels);
            vocab(sink, random.split(), textTokens);
            weights(sink, dims, vocab, random.split());
            sink.flush();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** {@code models/ggml-synthetic-tiny.bin}, or {@code ...-tiny.en.bin} for an English-only one. */
    public static String defaultFileName(Dims dims, boolean englishOnly) {
        return FILE_PREFIX + dims + (englishOnly ? ".en" : "") + ".bin";
    }

    private static void header(Sink sink, Dims d, int vocab) throws IOException {
        int[] values = {MAGIC, vocab, AUDIO_CTX, d.width, d.heads, d.layers, TEXT_CTX, d.width, d.heads, d.layers,
                d.mels, FTYPE_F16};
        for (int value : values) {
            sink.int32(value);
        }
    }

    /** The Slaney-style filterbank librosa computes, from which Whisper's own mel_filters.npz was made. */
    private static void melFilters(Sink sink, int mels) throws IOException {
        int bins = N_FFT / 2 + 1;
        double[] edges = new double[mels + 2];
        double top = hzToMel(SAMPLE_RATE / 2.0);
        for (int i = 0; i < edges.length; i++) {
            edges[i] = melToHz(top * i / (mels + 1));
        }
        sink.int32(mels);
        sink.int32(bins);
        for (int m = 0; m < mels; m++) {
            for (int k = 0; k < bins; k++) {
                double hz = k * (double) SAMPLE_RATE / N_FFT;
                double rising = (hz - edges[m]) / (edges[m + 1] - edges[m]);
                double falling = (edges[m + 2] - hz) / (edges[m + 2] - edges[m + 1]);
                double areaNorm = 2 / (edges[m + 2] - edges[m]);
                sink.f32((float) (Math.max(0, Math.min(rising, falling)) * areaNorm));
            }
        }
    }

    private static double hzToMel(double hz) {
        return hz < 1000 ? hz * 3 / 200 : 15 + Math.log(hz / 1000) * 27 / Math.log(6.4);
    }

    private static double melToHz(double mel) {
        return mel < 15 ? mel * 200 / 3 : 1000 * Math.exp((mel - 15) * Math.log(6.4) / 27);
    }

    /** The text tokens, then the end-of-text token, named with the marker. */
    private static void vocab(Sink sink, SplittableRandom random, int textTokens) throws IOException {
        sink.int32(textTokens + 1);
        Set<String> seen = new HashSet<>();
        // Single printable characters, like GPT-2's byte tokens, so that any ASCII prompt still tokenizes.
        for (char c = '!'; c <= '~'; c++) {
            token(sink, seen, String.valueOf(c));
        }
        // whisper.cpp looks " " up to suppress a blank start of segment, and aborts the process if it is missing.
        token(sink, seen, " ");
        while (seen.size() < textTokens) {
            token(sink, seen, word(random));
        }
        token(sink, seen, MARKER);
    }

    /** Unique tokens, because whisper.cpp maps text back to ids when it tokenizes a prompt. */
    private static void token(Sink sink, Set<String> seen, String token) throws IOException {
        if (seen.add(token)) {
            byte[] utf8 = token.getBytes(StandardCharsets.UTF_8);
            sink.int32(utf8.length);
            sink.bytes(utf8);
        }
    }

    /** Mostly whole words with a leading space, some bare pieces that glue onto the previous word, as in BPE. */
    private static String word(SplittableRandom random) {
        StringBuilder word = new StringBuilder(random.nextInt(100) < 85 ? " " : "");
        for (int syllables = 1 + random.nextInt(3); syllables > 0; syllables--) {
            word.append(pick(ONSETS, random)).append(pick(VOWELS, random));
        }
        return word.append(pick(CODAS, random)).toString();
    }

    private static String pick(List<String> choices, SplittableRandom random) {
        return choices.get(random.nextInt(choices.size()));
    }

    private enum Fill { ZERO, ONE, NOISE, POSITIONS }

    /** One tensor as PyTorch shapes it (after the converter's squeeze and conv-bias reshape). */
    private record Tensor(String name, Fill fill, int... shape) {
        /** The converter keeps vectors, conv biases and positional embeddings in f32; whisper.cpp checks this. */
        boolean f16() {
            return shape.length >= 2 && !name.endsWith(".bias") && !name.endsWith("positional_embedding");
        }

        long elements() {
            long n = 1;
            for (int dim : shape) {
                n *= dim;
            }
            return n;
        }
    }

    /** In the order of OpenAI's state dict, which the converter preserves. */
    private static List<Tensor> tensors(Dims d, int vocab) {
        int n = d.width;
        List<Tensor> tensors = new ArrayList<>();
        tensors.add(new Tensor("encoder.positional_embedding", Fill.NOISE, AUDIO_CTX, n));
        tensors.add(new Tensor("encoder.conv1.weight", Fill.NOISE, n, d.mels, 3));
        tensors.add(new Tensor("encoder.conv1.bias", Fill.ZERO, n, 1));
        tensors.add(new Tensor("encoder.conv2.weight", Fill.NOISE, n, n, 3));
        tensors.add(new Tensor("encoder.conv2.bias", Fill.ZERO, n, 1));
        for (int i = 0; i < d.layers; i++) {
            block(tensors, "encoder.blocks." + i, n, false);
        }
        norm(tensors, "encoder.ln_post", n);
        // Far larger than the other weights, so that each position leans to its own word: with small ones the random
        // decoder falls into one or two tokens and the transcript is a single word repeated.
        tensors.add(new Tensor("decoder.positional_embedding", Fill.POSITIONS, TEXT_CTX, n));
        tensors.add(new Tensor("decoder.token_embedding.weight", Fill.NOISE, vocab, n));
        for (int i = 0; i < d.layers; i++) {
            block(tensors, "decoder.blocks." + i, n, true);
        }
        norm(tensors, "decoder.ln", n);
        return tensors;
    }

    private static void block(List<Tensor> tensors, String prefix, int n, boolean crossAttention) {
        attention(tensors, prefix + ".attn", n);
        norm(tensors, prefix + ".attn_ln", n);
        if (crossAttention) {
            attention(tensors, prefix + ".cross_attn", n);
            norm(tensors, prefix + ".cross_attn_ln", n);
        }
        linear(tensors, prefix + ".mlp.0", 4 * n, n);
        linear(tensors, prefix + ".mlp.2", n, 4 * n);
        norm(tensors, prefix + ".mlp_ln", n);
    }

    private static void attention(List<Tensor> tensors, String prefix, int n) {
        linear(tensors, prefix + ".query", n, n);
        tensors.add(new Tensor(prefix + ".key.weight", Fill.NOISE, n, n)); // Whisper's key projection has no bias
        linear(tensors, prefix + ".value", n, n);
        linear(tensors, prefix + ".out", n, n);
    }

    private static void linear(List<Tensor> tensors, String prefix, int out, int in) {
        tensors.add(new Tensor(prefix + ".weight", Fill.NOISE, out, in));
        tensors.add(new Tensor(prefix + ".bias", Fill.ZERO, out));
    }

    /** Identity layer norms, so that activations keep the scale the noise gives them. */
    private static void norm(List<Tensor> tensors, String prefix, int n) {
        tensors.add(new Tensor(prefix + ".weight", Fill.ONE, n));
        tensors.add(new Tensor(prefix + ".bias", Fill.ZERO, n));
    }

    private static void weights(Sink sink, Dims dims, int vocab, SplittableRandom random) throws IOException {
        short[] halfNoise = halfNoiseTable();
        for (Tensor tensor : tensors(dims, vocab)) {
            byte[] name = tensor.name().getBytes(StandardCharsets.UTF_8);
            int[] shape = tensor.shape();
            sink.int32(shape.length);
            sink.int32(name.length);
            sink.int32(tensor.f16() ? GGML_TYPE_F16 : GGML_TYPE_F32);
            for (int i = shape.length - 1; i >= 0; i--) { // ggml lists dimensions innermost first
                sink.int32(shape[i]);
            }
            sink.bytes(name);
            if (tensor.f16()) {
                halves(sink, tensor, random, halfNoise);
            } else {
                floats(sink, tensor, dims, random);
            }
        }
    }

    /**
     * Uniform noise quantized to f16 ahead of time: one 16-bit draw then picks a value, four per random long, which
     * keeps writing gigabytes of large-v3 bound by the disk rather than by float conversion.
     */
    private static short[] halfNoiseTable() {
        short[] table = new short[1 << 16];
        for (int u = 0; u < table.length; u++) {
            table[u] = toHalf((float) (((u + 0.5) / (1 << 15) - 1) * NOISE_BOUND));
        }
        return table;
    }

    private static void halves(Sink sink, Tensor tensor, SplittableRandom random, short[] noise) throws IOException {
        long count = tensor.elements();
        if (tensor.fill() != Fill.NOISE) {
            short value = tensor.fill() == Fill.ONE ? F16_ONE : 0;
            for (long i = 0; i < count; i++) {
                sink.f16(value);
            }
            return;
        }
        long i = 0;
        for (; i + 4 <= count; i += 4) {
            long bits = random.nextLong();
            sink.f16x4(noise[(int) bits & 0xffff], noise[(int) (bits >>> 16) & 0xffff],
                    noise[(int) (bits >>> 32) & 0xffff], noise[(int) (bits >>> 48)]);
        }
        for (; i < count; i++) {
            sink.f16(noise[random.nextInt() & 0xffff]);
        }
    }

    private static void floats(Sink sink, Tensor tensor, Dims dims, SplittableRandom random) throws IOException {
        // The random layers' outputs add up with width and depth; the decoder's positions must stay ahead of them.
        double positionBound = dims.width / 384.0 * Math.sqrt(dims.layers / 4.0);
        long count = tensor.elements();
        for (long i = 0; i < count; i++) {
            float value = switch (tensor.fill()) {
                case ZERO -> 0f;
                case ONE -> 1f;
                case NOISE -> (float) ((random.nextDouble() * 2 - 1) * NOISE_BOUND);
                case POSITIONS -> (float) ((random.nextDouble() * 2 - 1) * positionBound);
            };
            sink.f32(value);
        }
    }

    /** IEEE 754 binary16, rounding to nearest even; Java 17 has no Float.floatToFloat16 yet. Finite inputs only. */
    private static short toHalf(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int magnitude = bits & 0x7fffffff;
        if (magnitude >= 0x477ff000) { // rounds past the largest half
            return (short) (sign | 0x7c00);
        }
        if (magnitude < 0x38800000) { // below the smallest normal half: a multiple of 2^-24
            return (short) (sign | (int) Math.rint(Float.intBitsToFloat(magnitude) * 0x1p24f));
        }
        int half = (((magnitude >>> 23) - 112) << 10) | ((magnitude >>> 13) & 0x3ff);
        int dropped = magnitude & 0x1fff;
        if (dropped > 0x1000 || (dropped == 0x1000 && (half & 1) != 0)) {
            half++; // a carry into the exponent is still the right value
        }
        return (short) (sign | half);
    }

    /** Little-endian (as whisper.cpp reads it on x86 and ARM), through one large buffer to keep system calls rare. */
    private static final class Sink {
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 22).order(ByteOrder.LITTLE_ENDIAN);

        Sink(FileChannel channel) {
            this.channel = channel;
        }

        void int32(int value) throws IOException {
            room(4).putInt(value);
        }

        void f32(float value) throws IOException {
            room(4).putFloat(value);
        }

        void f16(short value) throws IOException {
            room(2).putShort(value);
        }

        void f16x4(short a, short b, short c, short d) throws IOException {
            room(8).putLong((a & 0xffffL) | (b & 0xffffL) << 16 | (c & 0xffffL) << 32 | (d & 0xffffL) << 48);
        }

        void bytes(byte[] bytes) throws IOException {
            room(bytes.length).put(bytes);
        }

        private ByteBuffer room(int bytes) throws IOException {
            if (buffer.remaining() < bytes) {
                flush();
            }
            return buffer;
        }

        void flush() throws IOException {
            buffer.flip();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            buffer.clear();
        }
    }
}
