package dev.scriptorium.whisper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scriptorium.testing.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStatusTest {
    @TempDir
    Path dir;

    @Test
    void aLoadedSyntheticModelSaysItsTranscriptsAreNonsenseAndHowToGetARealOne() throws IOException {
        Path model = dir.resolve("ggml-base.en.bin");
        Files.copy(TestModels.syntheticTiny(), model);

        ModelStatus status = ModelStatus.loaded(settings(model));

        assertThat(status.loaded()).isTrue();
        assertThat(status.synthetic()).isTrue();
        assertThat(status.englishOnly()).isFalse();
        assertThat(status.message()).isEqualTo("Model ggml-base.en.bin is loaded (synthetic model: transcripts are"
                + " nonsense; download a real one with 'models/download.sh base.en').");
    }

    @Test
    void aModelFileThatIsNotLoadedYetStillSaysWhatItIs() throws IOException {
        Path model = dir.resolve("ggml-synthetic-tiny.bin");
        Files.copy(TestModels.syntheticTiny(), model);

        ModelStatus status = ModelStatus.unusable(settings(model), "whisper.cpp crashed while loading it");

        assertThat(status.loaded()).isFalse();
        assertThat(status.synthetic()).isTrue();
    }

    @Test
    void aMissingModelIsNeitherSyntheticNorEnglishOnly() {
        ModelStatus status = ModelStatus.missing(settings(dir.resolve("ggml-base.en.bin")));

        assertThat(status.synthetic()).isFalse();
        assertThat(status.englishOnly()).isFalse();
        assertThat(status.message()).contains("does not exist");
    }

    @Test
    void aFileThatIsNotAModelIsNotCalledSynthetic() throws IOException {
        Path model = Files.writeString(dir.resolve("ggml-base.en.bin"), "<html>404</html>");

        ModelStatus status = ModelStatus.unusable(settings(model), "not a model");

        assertThat(status.synthetic()).isFalse();
        assertThat(status.englishOnly()).isFalse();
    }

    private static WhisperSettings settings(Path model) {
        return new WhisperSettings(model, 1, 300, false, false, 5);
    }
}
