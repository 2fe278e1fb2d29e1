package dev.scriptorium.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Idempotency-Key of an upload: the same for the same file and options, new when either changes. */
class SubmitKeyTest {
    @TempDir
    Path folder;

    @Test
    void anUnchangedFileGetsTheSameKeyInEveryRun() throws Exception {
        Path file = Files.writeString(folder.resolve("talk.mp4"), "bytes");

        assertThat(SubmitKey.of(file, Optional.empty(), Optional.empty()))
                .isEqualTo(SubmitKey.of(file, Optional.empty(), Optional.empty()))
                .startsWith("transcribe-").hasSizeLessThanOrEqualTo(255);
    }

    @Test
    void aChangedFileOrOtherOptionsGetAnotherKey() throws Exception {
        Path file = Files.writeString(folder.resolve("talk.mp4"), "bytes");
        String first = SubmitKey.of(file, Optional.empty(), Optional.empty());
        String french = SubmitKey.of(file, Optional.of("fr"), Optional.empty());
        String translated = SubmitKey.of(file, Optional.empty(), Optional.of("translate"));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(60)));
        String touched = SubmitKey.of(file, Optional.empty(), Optional.empty());
        Files.writeString(file, "other bytes");
        String rewritten = SubmitKey.of(file, Optional.empty(), Optional.empty());

        assertThat(java.util.Set.of(first, french, translated, touched, rewritten)).hasSize(5);
    }
}
