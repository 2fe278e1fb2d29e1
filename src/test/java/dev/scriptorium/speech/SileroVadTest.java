package dev.scriptorium.speech;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scriptorium.media.ExtractedAudio;
import dev.scriptorium.media.MediaFile;
import dev.scriptorium.testing.SpeechScene;
import dev.scriptorium.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Silero model in this JVM (the sandboxed child runs the same class): one probability per frame, the same
 * whatever the threads, and no seam where the file's one-minute segments meet.
 */
class SileroVadTest {
    @TempDir
    static Path dir;
    private static Path pcm;
    private static long samples;

    @BeforeAll
    static void extractAScene() throws Exception {
        // Ten one-minute segments: two batches of eight, so that a second thread has a batch of its own to run.
        SpeechScene scene = SpeechScene.allSpeech(dir.resolve("scene"), 600);
        pcm = dir.resolve("audio.f32");
        try (MediaFile media = MediaFile.open(scene.wav(), "scene.wav")) {
            ExtractedAudio audio = media.extractPcm(pcm, 3600, seconds -> { });
            samples = audio.samples();
        }
    }

    private static float[] detect(int threads) throws Exception {
        Path out = Files.createTempFile(dir, "speech", ".f32");
        try (SileroVad vad = SileroVad.load(TestModels.sileroVad(), threads)) {
            vad.detect(pcm, out, percent -> { }, () -> false);
        }
        return SpeechProbabilities.read(out).frames();
    }

    @Test
    void everyFrameOfThirtyTwoMillisecondsGetsOneProbability() throws Exception {
        float[] frames = detect(1);

        assertThat(frames).hasSize((int) ((samples + SileroVad.FRAME - 1) / SileroVad.FRAME));
        for (float probability : frames) {
            assertThat(probability).isBetween(0f, 1f);
        }
    }

    @Test
    void moreThreadsGiveExactlyTheSameProbabilities() throws Exception {
        assertThat(detect(2)).containsExactly(detect(1));
    }

    @Test
    void speechRunningAcrossASegmentBoundaryIsHeardOnBothSides() throws Exception {
        float[] frames = detect(1);
        int boundary = 1875;
        double before = mean(frames, boundary - 30, boundary);
        double after = mean(frames, boundary, boundary + 30);

        assertThat(Math.abs(before - after)).as("mean probability a second before and after the boundary")
                .isLessThan(0.3);
        assertThat(after).isGreaterThan(0.5);
    }

    @Test
    void aLoadedModelThatIsNotSileroIsRefusedWithAClearMessage() throws Exception {
        Path notAModel = Files.writeString(dir.resolve("not-a-model.onnx"), "hello");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SileroVad.load(notAModel, 1))
                .isInstanceOf(SpeechModelException.class)
                .hasMessageContaining("models/download.sh silero-vad");
    }

    private static double mean(float[] frames, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += frames[i];
        }
        return sum / (to - from);
    }
}
