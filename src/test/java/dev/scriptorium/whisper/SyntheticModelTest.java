package dev.scriptorium.whisper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scriptorium.whisper.SyntheticModel.Dims;
import io.github.givimad.whisperjni.WhisperContext;
import io.github.givimad.whisperjni.WhisperFullParams;
import io.github.givimad.whisperjni.WhisperJNI;
import io.github.givimad.whisperjni.WhisperSamplingStrategy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticModelTest {

    private static final int SAMPLE_RATE = 16_000;

    @TempDir
    Path dir;

    @Test
    void tinyModelLoadsAndTranscribesThroughWhisperJni() throws IOException {
        Path model = dir.resolve("tiny.bin");
        SyntheticModel.write(model, Dims.TINY, 1);

        List<String> segments = transcribe(model, sine(3));

        assertThat(segments).isNotEmpty();
        assertThat(String.join("", segments)).isNotBlank();
    }

    @Test
    void transcriptIsVariedNonsenseRatherThanOneRepeatedWord() throws IOException {
        Path model = dir.resolve("tiny.bin");
        SyntheticModel.write(model, Dims.TINY, 1);

        String text = String.join(" ", transcribe(model, sine(3)));

        assertThat(Arrays.stream(text.trim().split("\\s+")).distinct().count()).isGreaterThan(20);
    }

    @Test
    void modelsAreMultilingualSoLanguageAndTranslateWork() throws IOException {
        Path model = dir.resolve("tiny.bin");
        SyntheticModel.write(model, Dims.TINY, 1);
        WhisperJNI.loadLibrary();
        WhisperJNI whisper = new WhisperJNI();

        try (WhisperContext context = whisper.init(model)) {
            assertThat(context).isNotNull();
            assertThat(whisper.isMultilingual(context)).isTrue();
        }
    }

    @Test
    void englishOnlyModelLoadsAsEnglishOnlyAndTranscribesThroughWhisperJni() throws IOException {
        Path model = dir.resolve("tiny.en.bin");
        SyntheticModel.write(model, Dims.TINY, 1, true);
        WhisperJNI.loadLibrary();
        WhisperJNI whisper = new WhisperJNI();
        try (WhisperContext context = whisper.init(model)) {
            assertThat(context).isNotNull();
            assertThat(whisper.isMultilingual(context)).isFalse();
        }

        String text = String.join("", transcribe(model, sine(3)));

        assertThat(text).isNotBlank().doesNotContain(SyntheticModel.MARKER);
    }

    @Test
    void anEnglishOnlyModelHasOneTokenFewerAsOpenAisEnModels() throws IOException {
        Path model = dir.resolve("tiny.en.bin");
        SyntheticModel.write(model, Dims.TINY, 1, true);

        assertThat(header(model)[1]).isEqualTo(51864);
        assertThat(ModelHeader.read(model).englishOnly()).isTrue();
    }

    @Test
    void everySyntheticModelCarriesTheMarkerAndTranscriptsNeverShowIt() throws IOException {
        Path model = dir.resolve("model.bin");
        SyntheticModel.write(model, Dims.TINY, 1);

        assertThat(ModelHeader.read(model).synthetic()).isTrue();
        assertThat(String.join("", transcribe(model, sine(3)))).doesNotContain(SyntheticModel.MARKER)
                .doesNotContain("scriptorium");
    }

    @Test
    void thereIsNoEnglishOnlyLargeV3() {
        assertThatThrownBy(() -> SyntheticModel.write(dir.resolve("large.en.bin"), Dims.LARGE_V3, 1, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no English-only large-v3");
        assertThat(dir.resolve("large.en.bin")).doesNotExist();
    }

    @Test
    void defaultFileNamesSayTheModelIsSyntheticAndEnglishOnly() {
        assertThat(SyntheticModel.defaultFileName(Dims.TINY, false)).isEqualTo("ggml-synthetic-tiny.bin");
        assertThat(SyntheticModel.defaultFileName(Dims.BASE, true)).isEqualTo("ggml-synthetic-base.en.bin");
        assertThat(SyntheticModel.defaultFileName(Dims.LARGE_V3, false)).isEqualTo("ggml-synthetic-large-v3.bin");
    }

    @Test
    void headerCarriesTheRealTinyHyperParameters() throws IOException {
        Path model = dir.resolve("tiny.bin");
        SyntheticModel.write(model, Dims.TINY, 1);

        int[] header = header(model);

        // magic, n_vocab, n_audio_ctx/state/head/layer, n_text_ctx/state/head/layer, n_mels, ftype (f16)
        assertThat(header).containsExactly(0x67676d6c, 51865, 1500, 384, 6, 4, 448, 384, 6, 4, 80, 1);
    }

    @Test
    void sameSeedWritesIdenticalBytes() throws IOException {
        Path first = dir.resolve("first.bin");
        Path second = dir.resolve("second.bin");

        SyntheticModel.write(first, Dims.TINY, 42);
        SyntheticModel.write(second, Dims.TINY, 42);

        assertThat(sha256(second)).isEqualTo(sha256(first));
    }

    @Test
    void differentSeedsWriteDifferentModels() throws IOException {
        Path first = dir.resolve("first.bin");
        Path second = dir.resolve("second.bin");

        SyntheticModel.write(first, Dims.TINY, 1);
        SyntheticModel.write(second, Dims.TINY, 2);

        assertThat(sha256(second)).isNotEqualTo(sha256(first));
    }

    @Test
    void dimsNamesParseCaseInsensitively() {
        assertThat(Dims.parse("tiny")).isEqualTo(Dims.TINY);
        assertThat(Dims.parse("Base")).isEqualTo(Dims.BASE);
        assertThat(Dims.parse("SMALL")).isEqualTo(Dims.SMALL);
        assertThat(Dims.parse("medium")).isEqualTo(Dims.MEDIUM);
        assertThat(Dims.parse("Large-V3")).isEqualTo(Dims.LARGE_V3);
    }

    @Test
    void unknownDimsNameIsRejectedWithTheValidNames() {
        assertThatThrownBy(() -> Dims.parse("huge"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("huge", "tiny", "base", "small", "medium", "large-v3");
    }

    /** magic, then the 11 hyper-parameters. */
    private static int[] header(Path model) throws IOException {
        int[] header = new int[12];
        try (InputStream in = Files.newInputStream(model)) {
            ByteBuffer.wrap(in.readNBytes(4 * header.length)).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(header);
        }
        return header;
    }

    private static List<String> transcribe(Path model, float[] samples) throws IOException {
        WhisperJNI.loadLibrary();
        WhisperJNI whisper = new WhisperJNI();
        try (WhisperContext context = whisper.init(model)) {
            assertThat(context).as("whisper context for %s", model).isNotNull();
            assertThat(whisper.full(context, pinnedForSyntheticModels(), samples, samples.length)).isZero();
            List<String> segments = new ArrayList<>();
            for (int i = 0; i < whisper.fullNSegments(context); i++) {
                segments.add(whisper.fullGetSegmentText(context, i));
            }
            return segments;
        }
    }

    /**
     * A random decoder with timestamps degenerates into empty segments, and with temperature fallback fails every
     * temperature; greedy without either runs each window to the token cap, bounded and deterministic.
     */
    private static WhisperFullParams pinnedForSyntheticModels() {
        WhisperFullParams params = new WhisperFullParams(WhisperSamplingStrategy.GREEDY);
        params.nThreads = 2;
        params.noTimestamps = true;
        params.temperatureInc = 0f;
        params.printProgress = false;
        params.printTimestamps = false;
        return params;
    }

    private static float[] sine(int seconds) {
        float[] samples = new float[seconds * SAMPLE_RATE];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (float) (0.5 * Math.sin(2 * Math.PI * 440 * i / SAMPLE_RATE));
        }
        return samples;
    }

    private static String sha256(Path file) throws IOException {
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file),
                MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
