package dev.scriptorium.batch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The {@code Idempotency-Key} of a file's upload: the same file, unchanged, asked for with the same options, gets the
 * same key in every run, so that a rerun after Ctrl-C or a crash finds the job already made instead of uploading again.
 * A changed file (size or modification time) is a new upload.
 */
final class SubmitKey {
    private SubmitKey() {
    }

    static String of(Path file, Optional<String> language, Optional<String> task) throws IOException {
        String identity = String.join("\0", file.toAbsolutePath().normalize().toString(),
                Long.toString(Files.size(file)), Long.toString(Files.getLastModifiedTime(file).toMillis()),
                language.orElse(""), task.orElse(""));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return "transcribe-" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
