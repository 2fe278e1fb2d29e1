package dev.scriptorium.batch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Tells media from other files by their first bytes, the signatures FFmpeg's own probes look for, so that a video
 * with a wrong or missing extension is still found. No decoder runs: a folder walk must not feed every file of a
 * home directory to FFmpeg.
 */
final class MediaSniffer {
    /** Enough for every signature below, including an MPEG transport stream's second sync byte. */
    private static final int HEAD = 189;

    private MediaSniffer() {
    }

    static boolean looksLikeMedia(Path file) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(HEAD);
        } catch (IOException e) {
            return false;
        }
        return looksLikeMedia(head);
    }

    static boolean looksLikeMedia(byte[] head) {
        return startsWith(head, 0, "ID3")                      // MP3 with ID3 tags
                || mpegAudioFrame(head)                          // MP3 or ADTS AAC without tags
                || riff(head, "WAVE") || riff(head, "AVI ")
                || startsWith(head, 4, "ftyp")                   // MP4, MOV, M4A, 3GP
                || startsWith(head, 4, "moov") || startsWith(head, 4, "mdat") || startsWith(head, 4, "wide")
                || startsWith(head, 0, new byte[]{0x1A, 0x45, (byte) 0xDF, (byte) 0xA3}) // Matroska, WebM
                || startsWith(head, 0, "OggS") || startsWith(head, 0, "fLaC") || startsWith(head, 0, "FLV")
                || startsWith(head, 0, new byte[]{0x30, 0x26, (byte) 0xB2, 0x75, (byte) 0x8E, 0x66, (byte) 0xCF,
                        0x11})                                   // ASF: WMA, WMV
                || form(head, "AIFF") || form(head, "AIFC")
                || startsWith(head, 0, new byte[]{0, 0, 1, (byte) 0xBA}) // MPEG program stream
                || head.length > 188 && head[0] == 0x47 && head[188] == 0x47 // MPEG transport stream
                || startsWith(head, 0, "#!AMR") || startsWith(head, 0, "caff");
    }

    private static boolean mpegAudioFrame(byte[] head) {
        return head.length >= 2 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xE0) == 0xE0;
    }

    private static boolean riff(byte[] head, String kind) {
        return startsWith(head, 0, "RIFF") && startsWith(head, 8, kind);
    }

    private static boolean form(byte[] head, String kind) {
        return startsWith(head, 0, "FORM") && startsWith(head, 8, kind);
    }

    private static boolean startsWith(byte[] head, int offset, String signature) {
        return startsWith(head, offset, signature.getBytes(StandardCharsets.US_ASCII));
    }

    private static boolean startsWith(byte[] head, int offset, byte[] signature) {
        return head.length >= offset + signature.length
                && Arrays.equals(head, offset, offset + signature.length, signature, 0, signature.length);
    }
}
