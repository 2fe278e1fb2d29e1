package dev.scriptorium.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests in hex, of text, of a file, or of text and then a file. */
final class Sha256 {
    private Sha256() {
    }

    static String of(String text) {
        MessageDigest sha = digest();
        sha.update(text.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha.digest());
    }

    static String of(Path file) throws IOException {
        MessageDigest sha = digest();
        update(sha, file);
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Of the text, a zero byte that no text holds, then the file: two different pairs never run together. */
    static String of(String text, Path file) throws IOException {
        MessageDigest sha = digest();
        sha.update(text.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        update(sha, file);
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void update(MessageDigest sha, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int read; (read = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, read);
            }
        }
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
