package dev.scriptorium.whisper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scriptorium.testing.TestModels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelHeaderTest {
    @TempDir
    Path dir;

    @Test
    void aSyntheticModelIsRecognisedWhateverItsFileIsCalled() throws IOException {
        Path disguised = dir.resolve("ggml-base.en.bin");
        Files.copy(TestModels.syntheticTiny(), disguised);

        ModelHeader header = ModelHeader.read(disguised);

        assertThat(header.synthetic()).isTrue();
        assertThat(header.vocabSize()).isEqualTo(51865);
        assertThat(header.englishOnly()).isFalse();
        assertThat(header.width()).isEqualTo(384);
    }

    @Test
    void aModelWithoutTheMarkerIsNotSyntheticAndFewerThan51865TokensMeanEnglishOnly() throws IOException {
        Path model = dir.resolve("ggml-tiny.en.bin");
        Files.write(model, head(51864, 384, List.of("!", " the", "<|endoftext|>")));

        ModelHeader header = ModelHeader.read(model);

        assertThat(header.synthetic()).isFalse();
        assertThat(header.englishOnly()).isTrue();
        assertThat(header.vocabSize()).isEqualTo(51864);
    }

    @Test
    void theWeightsAreNotRead() throws IOException {
        Path model = dir.resolve("head-only.bin");
        Files.write(model, head(51865, 512, List.of(" a", SyntheticModel.MARKER)));

        assertThat(ModelHeader.read(model).synthetic()).isTrue();
    }

    @Test
    void aFileThatIsNotAGgmlModelIsRefusedWithItsName() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.bin"), "not a model at all");

        assertThatThrownBy(() -> ModelHeader.read(text)).isInstanceOf(IOException.class)
                .hasMessageContaining("notes.bin").hasMessageContaining("not a ggml model");
        assertThat(ModelHeader.of(text)).isEmpty();
    }

    @Test
    void aModelCutOffWithinItsVocabularyIsRefused() throws IOException {
        byte[] whole = head(51865, 384, List.of(" one", " two"));
        Path cut = dir.resolve("cut.bin");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length - 3));

        assertThatThrownBy(() -> ModelHeader.read(cut)).isInstanceOf(IOException.class)
                .hasMessageContaining("ends within its header");
    }

    @Test
    void aMissingFileHasNoHeader() {
        assertThat(ModelHeader.of(dir.resolve("absent.bin"))).isEmpty();
    }

    /** The head of a ggml Whisper model as whisper.cpp's converter writes it, up to the end of the vocabulary. */
    private static byte[] head(int vocab, int width, List<String> tokens) {
        int mels = 80;
        int bins = 201;
        ByteBuffer buffer = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        for (int value : new int[] {0x67676d6c, vocab, 1500, width, 6, 4, 448, width, 6, 4, mels, 1, mels, bins}) {
            buffer.putInt(value);
        }
        for (int i = 0; i < mels * bins; i++) {
            buffer.putFloat(0.5f);
        }
        buffer.putInt(tokens.size());
        for (String token : tokens) {
            byte[] utf8 = token.getBytes(StandardCharsets.UTF_8);
            buffer.putInt(utf8.length).put(utf8);
        }
        byte[] bytes = new byte[buffer.position()];
        buffer.flip().get(bytes);
        return bytes;
    }
}
