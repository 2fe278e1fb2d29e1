package dev.scriptorium.transcription;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.Deflater;

/**
 * What may be wrong with a segment, by Whisper's own fallback thresholds: the decoder was unsure
 * ({@code avg_logprob < -1.0}), it repeated itself ({@code compression_ratio > 2.4}), it said nothing, or speech
 * detection heard no speech where it put the segment ({@code no_speech_prob > 0.8}).
 */
public enum SegmentFlag {
    LOW_CONFIDENCE, REPETITION, EMPTY, NO_SPEECH;

    /** Whisper's {@code logprob_threshold}. */
    public static final double LOW_LOGPROB = -1.0;
    /** Whisper's {@code compression_ratio_threshold}. */
    public static final double HIGH_COMPRESSION_RATIO = 2.4;
    /** Over this, the segment lies where speech detection heard (almost) no speech. */
    public static final double HIGH_NO_SPEECH_PROB = 0.8;

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The flags of a segment; empty when nothing is wrong. Unknown measures (an older transcript) raise none. */
    public static List<SegmentFlag> of(String text, Double avgLogprob, Double compressionRatio) {
        return of(text, avgLogprob, compressionRatio, null);
    }

    public static List<SegmentFlag> of(String text, Double avgLogprob, Double compressionRatio, Double noSpeechProb) {
        List<SegmentFlag> flags = new ArrayList<>();
        if (avgLogprob != null && avgLogprob < LOW_LOGPROB) {
            flags.add(LOW_CONFIDENCE);
        }
        if (compressionRatio != null && compressionRatio > HIGH_COMPRESSION_RATIO) {
            flags.add(REPETITION);
        }
        if (text == null || text.isBlank()) {
            flags.add(EMPTY);
        }
        if (noSpeechProb != null && noSpeechProb > HIGH_NO_SPEECH_PROB) {
            flags.add(NO_SPEECH);
        }
        return flags;
    }

    /**
     * The text's UTF-8 length over its zlib-compressed length, as Whisper computes it: repeated text compresses well.
     */
    public static double compressionRatio(String text) {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (bytes.length == 0) {
            return 0;
        }
        Deflater deflater = new Deflater(6);
        try {
            deflater.setInput(bytes);
            deflater.finish();
            byte[] buffer = new byte[bytes.length + 64];
            int compressed = 0;
            while (!deflater.finished()) {
                compressed += deflater.deflate(buffer);
            }
            return (double) bytes.length / compressed;
        } finally {
            deflater.end();
        }
    }
}
