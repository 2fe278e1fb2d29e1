package dev.scriptorium.whisper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.scriptorium.media.MediaFile;
import dev.scriptorium.media.PcmFile;
import dev.scriptorium.transcription.JobOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a real model (WHISPER_MODEL names a real ggml file), the pipeline's extraction and transcription recognise
 * real speech: the JFK sample from ../shared/testdata. Skipped without a real model or without the sample.
 */
@EnabledIfEnvironmentVariable(named = "WHISPER_MODEL", matches = ".+")
class RealModelTest {
    @TempDir
    Path dir;

    @Test
    void aRealModelTranscribesTheJfkSampleWithItsWordsInOrderAndDetectsEnglish() throws Exception {
        Path model = Path.of(System.getenv("WHISPER_MODEL"));
        Path sample = Path.of("..", "shared", "testdata", "jfk.wav");
        assumeTrue(Files.isRegularFile(model), "WHISPER_MODEL does not name a file");
        assumeTrue(Files.isRegularFile(sample), "../shared/testdata/jfk.wav is absent");
        Path pcm = dir.resolve("audio.f32");
        try (MediaFile media = MediaFile.open(sample, "jfk.wav")) {
            media.extractPcm(pcm, 3600, seconds -> { });
        }
        try (WhisperEngine engine = WhisperEngine.load(new WhisperSettings(model, 2, 300, true, true, 5))) {
            float[] samples;
            try (PcmFile file = new PcmFile(pcm)) {
                samples = file.read(0, (int) file.samples());
            }
            double seconds = samples.length / 16000.0;
            List<WhisperSegment> segments = engine.transcribe(samples,
                    new JobOptions(Optional.of("en"), JobOptions.Task.TRANSCRIBE), percent -> { }, () -> false);
            String text = segments.stream().map(WhisperSegment::text).collect(Collectors.joining(" "))
                    .toLowerCase(Locale.ROOT);
            assertThat(text).contains("ask not what your country can do for you");

            List<WhisperWord> words = segments.stream().flatMap(segment -> segment.words().stream()).toList();
            List<String> plain = words.stream()
                    .map(word -> word.text().strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "")).toList();
            int ask = plain.indexOf("ask");
            assertThat(ask).as(plain.toString()).isNotNegative();
            assertThat(plain.subList(ask, ask + 5)).containsExactly("ask", "not", "what", "your", "country");
            for (WhisperWord word : words.subList(ask, ask + 5)) {
                assertThat(word.start()).isBetween(0.0, seconds);
                assertThat(word.end()).isBetween(word.start(), seconds);
            }
            if (engine.multilingual()) {
                assertThat(engine.detectLanguage(samples, () -> false).code()).isEqualTo("en");
            }
        }
    }
}
