package dev.scriptorium.speech;

import dev.scriptorium.media.AudioChunk;
import dev.scriptorium.media.MediaFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Where the speech of a file lies, and the packed audio that holds only that speech: the regions back to back with a
 * short silence between them, so that Whisper hears a pause where one region ends and never hears what lay between.
 * Maps every time on the packed audio back to the file's own timeline exactly. A timeline of the whole file packs
 * nothing and maps every time to itself (speech detection off).
 *
 * <p>Immutable and thread-safe.
 */
public final class SpeechTimeline {
    /** The silence between two regions in the packed audio: a pause Whisper ends a segment on, and little else. */
    public static final int GAP_SAMPLES = MediaFile.SAMPLE_RATE * 3 / 10;
    private static final double RATE = MediaFile.SAMPLE_RATE;
    private final List<Piece> pieces;
    private final long originalSamples;
    private final boolean packs;

    /** A region of the file, and where it lies in the packed audio. */
    private record Piece(long originalStart, long packedStart, long length) {
        long packedEnd() {
            return packedStart + length;
        }

        long originalEnd() {
            return originalStart + length;
        }
    }

    private SpeechTimeline(List<Piece> pieces, long originalSamples, boolean packs) {
        this.pieces = List.copyOf(pieces);
        this.originalSamples = originalSamples;
        this.packs = packs;
    }

    /** All of the file, as it is: no speech detection. */
    public static SpeechTimeline whole(long samples) {
        return new SpeechTimeline(samples == 0 ? List.of() : List.of(new Piece(0, 0, samples)), samples, false);
    }

    /** @param regions in order and apart from each other, as {@link SpeechRegions#of} gives them */
    public static SpeechTimeline packing(List<AudioChunk> regions, long originalSamples) {
        List<Piece> pieces = new ArrayList<>(regions.size());
        long packed = 0;
        long previousEnd = 0;
        for (AudioChunk region : regions) {
            if (region.startSample() < previousEnd || region.endSample() <= region.startSample()) {
                throw new IllegalArgumentException("speech regions must be in order and apart: " + regions);
            }
            if (!pieces.isEmpty()) {
                packed += GAP_SAMPLES;
            }
            pieces.add(new Piece(region.startSample(), packed, region.length()));
            packed += region.length();
            previousEnd = region.endSample();
        }
        return new SpeechTimeline(pieces, originalSamples, true);
    }

    /** Whether the packed audio differs from the file's: speech detection ran. */
    public boolean packs() {
        return packs;
    }

    /** Whether speech detection ran and heard nobody speak in the file. */
    public boolean noSpeech() {
        return packs && pieces.isEmpty();
    }

    public List<AudioChunk> regions() {
        return pieces.stream().map(piece -> new AudioChunk(piece.originalStart(), piece.originalEnd())).toList();
    }

    public long packedSamples() {
        return pieces.isEmpty() ? 0 : pieces.get(pieces.size() - 1).packedEnd();
    }

    /** Seconds of speech, padding included and the silence between regions not. */
    public double speechSeconds() {
        return pieces.stream().mapToLong(Piece::length).sum() / RATE;
    }

    public double originalSeconds() {
        return originalSamples / RATE;
    }

    /** Points of the packed audio in the middle of each silence between regions: where chunks are best cut. */
    public List<Long> gapCuts() {
        List<Long> cuts = new ArrayList<>();
        for (int i = 1; i < pieces.size(); i++) {
            cuts.add(pieces.get(i).packedStart() - GAP_SAMPLES / 2);
        }
        return cuts;
    }

    /** Writes the packed audio of {@code original} (16 kHz mono float32) to {@code packed}. */
    public void writePacked(Path original, Path packed) throws IOException {
        ByteBuffer silence = ByteBuffer.allocate(GAP_SAMPLES * Float.BYTES);
        try (FileChannel from = FileChannel.open(original, StandardOpenOption.READ);
             FileChannel to = FileChannel.open(packed, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int i = 0; i < pieces.size(); i++) {
                if (i > 0) {
                    silence.clear();
                    while (silence.hasRemaining()) {
                        to.write(silence);
                    }
                }
                long position = pieces.get(i).originalStart() * Float.BYTES;
                long remaining = pieces.get(i).length() * Float.BYTES;
                while (remaining > 0) {
                    long copied = from.transferTo(position, remaining, to);
                    if (copied <= 0) {
                        throw new IOException("the audio ended before its speech region did: " + original);
                    }
                    position += copied;
                    remaining -= copied;
                }
            }
        }
    }

    /**
     * The time on the file's timeline of a time on the packed audio where something starts: a start inside the
     * silence between two regions moves forward to the next region, since nothing was said in between.
     */
    public double originalStart(double packedSeconds) {
        return original(packedSeconds, true);
    }

    /** Like {@link #originalStart}, for where something ends: inside a silence, it moves back to the region's end. */
    public double originalEnd(double packedSeconds) {
        return original(packedSeconds, false);
    }

    /**
     * The region a packed time belongs to: the one it lies in, or inside the silence between two, the nearer one.
     *
     * @return its index in {@link #regions()}, or -1 without regions
     */
    public int regionAt(double packedSeconds) {
        int index = pieceBefore(packedSeconds);
        if (index < 0) {
            return pieces.isEmpty() ? -1 : 0;
        }
        Piece piece = pieces.get(index);
        if (packedSeconds * RATE < piece.packedEnd() || index + 1 == pieces.size()) {
            return index;
        }
        double afterEnd = packedSeconds * RATE - piece.packedEnd();
        double beforeNext = pieces.get(index + 1).packedStart() - packedSeconds * RATE;
        return afterEnd <= beforeNext ? index : index + 1;
    }

    /** Names the packing, so that work done on one packing is never taken for work on another. */
    public String fingerprint() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            ByteBuffer bytes = ByteBuffer.allocate(Long.BYTES * (2 + 2 * pieces.size()));
            bytes.putLong(originalSamples).putLong(packs ? 1 : 0);
            for (Piece piece : pieces) {
                bytes.putLong(piece.originalStart()).putLong(piece.length());
            }
            return HexFormat.of().formatHex(digest.digest(bytes.array()), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private double original(double packedSeconds, boolean start) {
        if (pieces.isEmpty()) {
            return 0;
        }
        int index = pieceBefore(packedSeconds);
        if (index < 0) {
            return pieces.get(0).originalStart() / RATE;
        }
        Piece piece = pieces.get(index);
        double offset = packedSeconds - piece.packedStart() / RATE;
        if (offset * RATE < piece.length()) {
            return piece.originalStart() / RATE + offset;
        }
        if (start && index + 1 < pieces.size()) {
            return pieces.get(index + 1).originalStart() / RATE;
        }
        return piece.originalEnd() / RATE;
    }

    /** The last piece that starts at or before the packed time, or -1. */
    private int pieceBefore(double packedSeconds) {
        double sample = packedSeconds * RATE;
        int low = 0;
        int high = pieces.size() - 1;
        int found = -1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            if (pieces.get(middle).packedStart() <= sample) {
                found = middle;
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return found;
    }
}
