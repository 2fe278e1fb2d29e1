package dev.scriptorium.whisper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scriptorium.media.MediaFile;
import dev.scriptorium.media.PcmFile;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestModels;
import dev.scriptorium.transcription.JobOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine, on whisper.cpp 1.7.1 through JNA with the synthetic model, in this JVM: words, confidence, language
 * detection, progress and abort. (The worker runs the engine in a sandboxed child; these are its own promises.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WhisperEngineWordsTest {
    @TempDir
    static Path dir;
    private WhisperEngine engine;
    private float[] samples;

    @BeforeAll
    void load() throws Exception {
        engine = WhisperEngine.load(new WhisperSettings(TestModels.syntheticTiny(), 2, 300, false, false, 5));
        Path video = new TestMedia(dir.resolve("media")).longVideo(70);
        Path pcm = dir.resolve("audio.f32");
        try (MediaFile media = MediaFile.open(video, "video.mp4")) {
            media.extractPcm(pcm, 3600, seconds -> { });
        }
        try (PcmFile file = new PcmFile(pcm)) {
            samples = file.read(0, (int) file.samples());
        }
    }

    @AfterAll
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private List<WhisperSegment> transcribe(boolean words, List<Integer> progress) {
        JobOptions options = new JobOptions(Optional.of("en"), JobOptions.Task.TRANSCRIBE, words);
        return engine.transcribe(samples, options, progress::add, () -> false);
    }

    @Test
    void everySegmentsWordsAreOrderedDoNotOverlapLieInsideItAndSpellItsText() {
        List<WhisperSegment> segments = transcribe(true, new ArrayList<>());
        assertThat(segments).isNotEmpty();
        for (WhisperSegment segment : segments) {
            assertThat(segment.words()).as(segment.text()).isNotEmpty();
            double previousEnd = segment.start();
            for (WhisperWord word : segment.words()) {
                assertThat(word.start()).isGreaterThanOrEqualTo(previousEnd);
                assertThat(word.end()).isBetween(word.start(), segment.end());
                assertThat(word.probability()).isBetween(0.0, 1.0);
                previousEnd = word.end();
            }
            String joined = segment.words().stream().map(WhisperWord::text).collect(Collectors.joining());
            assertThat(joined.replaceAll("\\s+", "")).isEqualTo(segment.text().replaceAll("\\s+", ""));
            assertThat(segment.avgLogprob()).isNotNull().isLessThanOrEqualTo(0.0);
        }
    }

    @Test
    void withoutWordTimestampsSegmentsCarryNoWordsAndTheSameText() {
        List<WhisperSegment> with = transcribe(true, new ArrayList<>());
        List<WhisperSegment> without = transcribe(false, new ArrayList<>());
        assertThat(without).allSatisfy(segment -> assertThat(segment.words()).isEmpty());
        assertThat(without.stream().map(WhisperSegment::text).toList())
                .isEqualTo(with.stream().map(WhisperSegment::text).toList());
    }

    @Test
    void progressMovesThroughTheCallWindowByWindow() {
        List<Integer> progress = new ArrayList<>();
        transcribe(false, progress);
        assertThat(progress.stream().filter(percent -> percent > 0 && percent < 100).distinct().count())
                .as(progress.toString()).isGreaterThanOrEqualTo(2);
        assertThat(progress).isSorted();
    }

    @Test
    void anAbortStopsTheCallAndTheEngineServesTheNextOne() {
        List<Integer> progress = new ArrayList<>();
        JobOptions options = new JobOptions(Optional.of("en"), JobOptions.Task.TRANSCRIBE, false);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.transcribe(samples, options, progress::add,
                () -> !progress.isEmpty())).isInstanceOf(AbortedException.class);
        assertThat(progress).hasSize(1);
        assertThat(engine.transcribe(samples, options, percent -> { }, () -> false)).isNotEmpty();
    }

    @Test
    void languageDetectionOnAMultilingualModelGivesACodeAndTwoAlternatives() {
        assertThat(engine.multilingual()).isTrue();
        float[] window = java.util.Arrays.copyOf(samples, 30 * 16000);
        DetectedLanguage detected = engine.detectLanguage(window, () -> false);
        assertThat(detected.code()).matches("[a-z]{2,3}");
        assertThat(detected.probability()).isGreaterThan(0.0).isLessThanOrEqualTo(1.0);
        assertThat(detected.alternatives()).hasSize(2);
        assertThat(detected.alternatives().get(0).probability()).isLessThanOrEqualTo(detected.probability());
    }

    @Test
    void aPromptReachesTheDecoderAndChangesWhatItWrites() {
        JobOptions plain = new JobOptions(Optional.of("en"), JobOptions.Task.TRANSCRIBE, false);
        float[] window = java.util.Arrays.copyOf(samples, 16000 * 20);

        String without = text(engine.transcribe(window, plain, percent -> { }, () -> false));
        String again = text(engine.transcribe(window, plain, percent -> { }, () -> false));
        String prompted = text(engine.transcribe(window, plain.withPrompt("Scriptorium, Übersetzung, naïve café."),
                percent -> { }, () -> false));

        assertThat(again).as("the same call writes the same").isEqualTo(without);
        assertThat(prompted).as("with a prompt").isNotEqualTo(without);
    }

    private static String text(List<WhisperSegment> segments) {
        return segments.stream().map(WhisperSegment::text).collect(Collectors.joining("|"));
    }
}
