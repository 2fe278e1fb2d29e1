package dev.scriptorium.whisper;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * The head of a ggml Whisper model file (hyper-parameters, mel filters, vocabulary), read without its weights: a few
 * hundred kilobytes of any model, so that what a file is can be said before (and without) loading it.
 *
 * @param vocabSize n_vocab; whisper.cpp takes a model for multilingual from {@value #MULTILINGUAL_VOCAB} on
 * @param width     n_audio_state: 384 for tiny, 512 base, 768 small, 1024 medium, 1280 large
 * @param synthetic whether {@link SyntheticModel} wrote it: its vocabulary holds {@link SyntheticModel#MARKER}
 */
public record ModelHeader(int vocabSize, int width, boolean synthetic) {
    public static final int MULTILINGUAL_VOCAB = 51865;
    private static final int HYPER_PARAMETERS = 11;
    private static final int LONGEST_TOKEN = 1 << 16;
    private static final byte[] MARKER = SyntheticModel.MARKER.getBytes(StandardCharsets.UTF_8);

    /** As OpenAI's {@code *.en} models. */
    public boolean englishOnly() {
        return vocabSize < MULTILINGUAL_VOCAB;
    }

    /**
     * @throws IOException if the file cannot be read, or its head is not that of a ggml Whisper model
     */
    public static ModelHeader read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (int32(in) != SyntheticModel.MAGIC) {
                throw new IOException(file + " is not a ggml model (it does not start with ggml's magic number)");
            }
            int[] hyper = new int[HYPER_PARAMETERS];
            for (int i = 0; i < hyper.length; i++) {
                hyper[i] = int32(in);
            }
            int mels = bounded(in, 1, 1024, "mel filter count", file);
            int bins = bounded(in, 1, 1 << 16, "mel filter length", file);
            in.skipNBytes(4L * mels * bins);
            int tokens = bounded(in, 0, 1 << 20, "vocabulary size", file);
            boolean marked = false;
            byte[] token = new byte[MARKER.length];
            for (int i = 0; i < tokens; i++) {
                int length = bounded(in, 0, LONGEST_TOKEN, "token length", file);
                if (length == MARKER.length) {
                    in.readFully(token);
                    marked |= Arrays.equals(token, MARKER);
                } else {
                    in.skipNBytes(length);
                }
            }
            return new ModelHeader(hyper[0], hyper[2], marked);
        } catch (EOFException e) {
            throw new IOException(file + " ends within its header: not a whole ggml Whisper model");
        }
    }

    /** The header if {@code file} is a readable ggml model; empty if it is missing or something else. */
    public static Optional<ModelHeader> of(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(read(file));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int bounded(DataInputStream in, int min, int max, String what, Path file) throws IOException {
        int value = int32(in);
        if (value < min || value > max) {
            throw new IOException(file + " is not a ggml Whisper model (its " + what + " is " + value + ")");
        }
        return value;
    }

    /** ggml files are little-endian. */
    private static int int32(DataInputStream in) throws IOException {
        return Integer.reverseBytes(in.readInt());
    }
}
