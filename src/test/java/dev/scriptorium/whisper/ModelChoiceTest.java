package dev.scriptorium.whisper;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelChoiceTest {
    @TempDir
    Path models;

    @Test
    void withoutWhisperModelASyntheticModelStandsInForAMissingDefault() throws IOException {
        touch("ggml-synthetic-tiny.bin");
        ModelChoice choice = ModelChoice.orSyntheticStandIn(settings(false));

        WhisperSettings available = choice.available().orElseThrow();

        assertThat(available.model()).isEqualTo(models.resolve("ggml-synthetic-tiny.bin"));
        assertThat(choice.isStandIn(available)).isTrue();
    }

    @Test
    void theFirstSyntheticModelByNameStandsIn() throws IOException {
        touch("ggml-synthetic-tiny.en.bin");
        touch("ggml-synthetic-base.bin");
        touch("ggml-synthetic-tiny.bin.part");

        assertThat(ModelChoice.orSyntheticStandIn(settings(false)).available().orElseThrow().model().getFileName())
                .hasToString("ggml-synthetic-base.bin");
    }

    @Test
    void theDefaultModelWinsOnceItIsThere() throws IOException {
        touch("ggml-synthetic-tiny.bin");
        touch(WhisperSettings.DEFAULT_MODEL_FILE);
        ModelChoice choice = ModelChoice.orSyntheticStandIn(settings(false));

        WhisperSettings available = choice.available().orElseThrow();

        assertThat(available.model()).isEqualTo(models.resolve(WhisperSettings.DEFAULT_MODEL_FILE));
        assertThat(choice.isStandIn(available)).isFalse();
    }

    @Test
    void aSetWhisperModelAlwaysWinsEvenWhileItIsMissing() throws IOException {
        touch("ggml-synthetic-tiny.bin");

        assertThat(ModelChoice.orSyntheticStandIn(settings(true)).available()).isEmpty();
    }

    @Test
    void rolesOtherThanServeNeverStandASyntheticModelIn() throws IOException {
        touch("ggml-synthetic-tiny.bin");

        assertThat(ModelChoice.only(settings(false)).available()).isEmpty();
    }

    @Test
    void withNeitherFileNothingIsAvailable() {
        assertThat(ModelChoice.orSyntheticStandIn(settings(false)).available()).isEmpty();
    }

    private WhisperSettings settings(boolean modelSet) {
        return new WhisperSettings(models.resolve(WhisperSettings.DEFAULT_MODEL_FILE), 1, 300, false, false, 5,
                modelSet);
    }

    private void touch(String name) throws IOException {
        Files.createFile(models.resolve(name));
    }
}
