package dev.scriptorium.speech;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scriptorium.media.AudioChunk;
import dev.scriptorium.media.ExtractedAudio;
import dev.scriptorium.sandbox.JobWatch;
import dev.scriptorium.sandbox.Sandbox;
import dev.scriptorium.sandbox.SandboxSettings;
import dev.scriptorium.sandbox.SpeechDetectionRun;
import dev.scriptorium.sandbox.TimeLimits;
import dev.scriptorium.testing.SpeechScene;
import dev.scriptorium.testing.TestModels;
import dev.scriptorium.whisper.WhisperSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures the real Silero model, run by a real sandboxed child, on speech placed at known times between silence, low
 * pink noise and a sine melody: frame by frame, how much of what it calls speech is speech (precision) and how much of
 * the speech it finds (recall).
 */
class SpeechDetectionQualityTest {
    /** A detected frame this close to placed speech is the padding doing its job, not a false alarm. */
    private static final double PADDING_ALLOWANCE = 0.3;
    private static final double FRAME = 0.01;
    private static final JobWatch UNLIMITED = new JobWatch() {
        @Override
        public Instant deadline() {
            return Instant.now().plus(Duration.ofHours(1));
        }

        @Override
        public boolean canceled() {
            return false;
        }
    };

    @TempDir
    static Path dir;
    private static Sandbox sandbox;
    private static SpeechScene scene;
    private static List<AudioChunk> regions;
    private static SpeechDetectionRun run;

    @BeforeAll
    static void detectSpeechInAScene() throws Exception {
        scene = SpeechScene.builder()
                .silence(4)
                .speech(SpeechScene.SENTENCES.get(0))
                .silence(8)
                .speech(SpeechScene.SENTENCES.get(1))
                .pinkNoise(10, -30)
                .speech(SpeechScene.SENTENCES.get(2))
                .melody(10)
                .speech(SpeechScene.SENTENCES.get(3))
                .pinkNoise(6, -35)
                .speech(SpeechScene.SENTENCES.get(4))
                .silence(4)
                .build(dir.resolve("scene"));
        SandboxSettings settings = new SandboxSettings(1, List.of("-Xmx256m"), "cpu", Optional.empty(), 0,
                new TimeLimits(Duration.ofMinutes(5), Duration.ofMinutes(5), 4, Duration.ofMinutes(2)),
                Duration.ofMinutes(2));
        Path sockets = Files.createTempDirectory(dir, "sockets");
        sandbox = new Sandbox(0, settings, new WhisperSettings(TestModels.syntheticTiny(), 1, 300, false, false, 5),
                sockets);
        Path pcm = dir.resolve("audio.f32");
        ExtractedAudio audio = sandbox.prepare(scene.wav(), pcm, "scene.wav", 3600, UNLIMITED, info -> { });
        Path probabilities = dir.resolve("speech.f32");
        run = sandbox.detectSpeech(pcm, TestModels.sileroVad(), probabilities, UNLIMITED, fraction -> { });
        regions = SpeechRegions.of(SpeechProbabilities.read(probabilities).frames(), audio.samples(),
                SpeechSettings.defaults(TestModels.sileroVad()));
    }

    @AfterAll
    static void stopChild() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void theChildWritesOneProbabilityPerFrameOfThirtyTwoMilliseconds() {
        assertThat(run.unavailable()).isEmpty();
        assertThat(run.frames()).isEqualTo((long) Math.ceil(scene.seconds() * 16000 / SileroVad.FRAME));
    }

    @Test
    void detectedSpeechIsPlacedSpeechWithHighPrecisionAndRecall() {
        int detected = 0;
        int detectedNearSpeech = 0;
        int speech = 0;
        int speechDetected = 0;
        for (double at = FRAME / 2; at < scene.seconds(); at += FRAME) {
            boolean inRegion = inRegion(at);
            boolean placed = scene.speechAt(at);
            if (inRegion) {
                detected++;
                if (nearSpeech(at)) {
                    detectedNearSpeech++;
                }
            }
            if (placed) {
                speech++;
                if (inRegion) {
                    speechDetected++;
                }
            }
        }
        double precision = detectedNearSpeech / (double) detected;
        double recall = speechDetected / (double) speech;
        System.out.printf("VAD quality: precision %.3f, recall %.3f over %.1f s (%.1f s placed speech, %d regions)%n",
                precision, recall, scene.seconds(), scene.speechSeconds(), regions.size());

        assertThat(precision).as("precision").isGreaterThan(0.95);
        assertThat(recall).as("recall").isGreaterThan(0.95);
    }

    @Test
    void noRegionLiesWhollyInsideSilenceNoiseOrMusic() {
        for (AudioChunk region : regions) {
            boolean touchesSpeech = scene.speechSpans().stream()
                    .anyMatch(span -> span.start() < region.endSeconds() && region.startSeconds() < span.end());
            assertThat(touchesSpeech).as("region %s-%s s", region.startSeconds(), region.endSeconds()).isTrue();
        }
    }

    private static boolean inRegion(double seconds) {
        return regions.stream().anyMatch(region -> region.startSeconds() <= seconds && seconds < region.endSeconds());
    }

    private static boolean nearSpeech(double seconds) {
        return scene.speechSpans().stream().anyMatch(span -> span.start() - PADDING_ALLOWANCE <= seconds
                && seconds < span.end() + PADDING_ALLOWANCE);
    }
}
