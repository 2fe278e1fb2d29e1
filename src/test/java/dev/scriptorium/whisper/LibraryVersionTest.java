package dev.scriptorium.whisper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.scriptorium.sandbox.Sandbox;
import dev.scriptorium.sandbox.SandboxSettings;
import dev.scriptorium.sandbox.TimeLimits;
import dev.scriptorium.testing.TestModels;
import dev.scriptorium.testing.TestStack;
import dev.scriptorium.transcription.TranscriptionWorker;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The binding's struct layouts are whisper.cpp 1.7.1's, so a worker refuses any other library with an error that
 * names what it found, and reports the model as unusable instead of crashing. The "other version" is a copy of the
 * shipped library with one default changed (whisper_full_default_params' grammar_penalty, 100.0f, patched to
 * 50.0f): to the version check it is exactly a library whose defaults, and so possibly its layout, differ.
 */
class LibraryVersionTest {
    @TempDir
    Path dir;

    @Test
    void aLibraryWhoseDefaultsDifferFromVersion171IsRefusedByTheChildNamingWhatItFound() throws Exception {
        Path library = copyShipped(dir.resolve("patched"));
        byte[] bytes = Files.readAllBytes(library);
        List<Integer> found = find(bytes, 100.0f);
        assertThat(found).as("100.0f occurs once in the shipped library, in whisper_full_default_params").hasSize(1);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putFloat(found.get(0), 50.0f);
        Files.write(library, bytes);

        assertThatThrownBy(() -> startChild(dir.resolve("patched")))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("is not whisper.cpp 1.7.1")
                .hasMessageContaining("grammar_penalty = 50.0 (1.7.1: 100.0)")
                .hasMessageContaining("Dockerfile.gpu");
    }

    @Test
    void aWorkerGivenAnotherVersionReportsTheModelAsUnusableWithTheReasonAndStaysUp() throws Exception {
        Path library = copyShipped(dir.resolve("patched-worker"));
        byte[] bytes = Files.readAllBytes(library);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putFloat(find(bytes, 100.0f).get(0), 50.0f);
        Files.write(library, bytes);

        try (TestStack stack = TestStack.start(Map.of("WHISPER_NATIVE_DIR", dir.resolve("patched-worker").toString(),
                "WORKER_SLOTS", "1"))) {
            TranscriptionWorker worker = stack.application().worker().orElseThrow();
            await().atMost(Duration.ofMinutes(2)).until(() -> worker.status().message().contains("1.7.1"));
            assertThat(worker.status().loaded()).isFalse();
            assertThat(worker.status().message()).contains("grammar_penalty = 50.0");
            assertThat(stack.api().get("/healthz").status()).isEqualTo(200);
        }
    }

    @Test
    void aFileThatIsNotALibraryIsRefusedByTheChildNamingIt() throws Exception {
        Path fake = dir.resolve("fake");
        Files.createDirectories(fake);
        Files.writeString(fake.resolve("libwhisper.so"), "not a shared library\n");

        assertThatThrownBy(() -> startChild(fake))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(fake.resolve("libwhisper.so").toString())
                .hasMessageContaining("is not a loadable whisper.cpp library");
    }

    @Test
    void theShippedLibraryInADirectoryOfItsOwnIsAccepted() throws Exception {
        copyShipped(dir.resolve("copy"));

        startChild(dir.resolve("copy"));
    }

    private static Path copyShipped(Path target) throws Exception {
        Path shipped = NativeWhisper.extractShipped();
        Files.createDirectories(target);
        Files.copy(shipped.resolveSibling("libggml.so"), target.resolve("libggml.so"));
        Path library = target.resolve("libwhisper.so");
        Files.copy(shipped, library);
        return library;
    }

    private void startChild(Path nativeDir) throws Exception {
        SandboxSettings settings = new SandboxSettings(1, List.of("-Xmx256m"), "cpu", Optional.of(nativeDir), 0,
                new TimeLimits(Duration.ofMinutes(5), Duration.ofMinutes(5), 4, Duration.ofMinutes(2)),
                Duration.ofMinutes(2));
        Path sockets = Files.createTempDirectory("sockets");
        try (Sandbox sandbox = new Sandbox(0, settings,
                new WhisperSettings(TestModels.syntheticTiny(), 1, 300, false, false, 5), sockets)) {
            sandbox.ensureStarted();
            assertThat(sandbox.childPid()).isPresent();
        } finally {
            Files.deleteIfExists(sockets);
        }
    }

    private static List<Integer> find(byte[] bytes, float value) {
        byte[] pattern = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value).array();
        List<Integer> offsets = new ArrayList<>();
        for (int i = 0; i + 4 <= bytes.length; i++) {
            if (bytes[i] == pattern[0] && bytes[i + 1] == pattern[1] && bytes[i + 2] == pattern[2]
                    && bytes[i + 3] == pattern[3]) {
                offsets.add(i);
            }
        }
        return offsets;
    }
}
