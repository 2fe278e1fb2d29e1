package dev.scriptorium.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.scriptorium.testing.SpeechScene.Kind;
import dev.scriptorium.testing.SpeechScene.Part;
import dev.scriptorium.testing.SpeechScene.Span;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks the scene fixture itself: the file is what it says, and its labels are where the sound is. */
class SpeechSceneTest {

    static final int RATE = SpeechScene.SAMPLE_RATE;

    @TempDir
    Path dir;

    /** Silence, speech, pink noise, melody, speech, silence: every kind once, speech twice. */
    static SpeechScene everyKind(Path dir) {
        return SpeechScene.builder()
                .silence(1.0)
                .speech(SpeechScene.SENTENCES.get(0))
                .pinkNoise(2.0, -30)
                .melody(2.0)
                .speech(SpeechScene.SENTENCES.get(1))
                .silence(0.5)
                .build(dir);
    }

    @Test
    void theWavIs16kHzMono16BitPcmAsLongAsTheSceneSays() throws Exception {
        SpeechScene scene = everyKind(dir);

        assertThat(scene.wav()).isRegularFile().isEqualTo(dir.resolve("scene.wav"));
        try (AudioInputStream in = AudioSystem.getAudioInputStream(scene.wav().toFile())) {
            AudioFormat format = in.getFormat();
            assertThat(format.getEncoding()).isEqualTo(AudioFormat.Encoding.PCM_SIGNED);
            assertThat(format.getSampleRate()).isEqualTo(16000f);
            assertThat(format.getChannels()).isEqualTo(1);
            assertThat(format.getSampleSizeInBits()).isEqualTo(16);
            assertThat(format.isBigEndian()).isFalse();
            assertThat(in.getFrameLength() / (double) RATE).isCloseTo(scene.seconds(), within(0.010));
        }
        double speech = scene.speechSeconds();
        assertThat(scene.seconds()).isCloseTo(1.0 + 2.0 + 2.0 + 0.5 + speech, within(0.001));
        assertThat(speech).as("two espeak sentences").isBetween(4.0, 12.0);
    }

    @Test
    void partsLieBackToBackInTheOrderGiven() {
        SpeechScene scene = everyKind(dir);

        assertThat(scene.parts()).extracting(Part::kind).containsExactly(
                Kind.SILENCE, Kind.SPEECH, Kind.PINK_NOISE, Kind.MELODY, Kind.SPEECH, Kind.SILENCE);
        assertThat(scene.parts().get(0).start()).isZero();
        for (int i = 1; i < scene.parts().size(); i++) {
            assertThat(scene.parts().get(i).start()).isEqualTo(scene.parts().get(i - 1).end());
        }
        assertThat(scene.parts().get(scene.parts().size() - 1).end()).isEqualTo(scene.seconds());
        assertThat(scene.speechSpans()).hasSize(2);
        assertThat(scene.nonSpeechSpans()).extracting(Part::kind)
                .containsExactly(Kind.SILENCE, Kind.PINK_NOISE, Kind.MELODY, Kind.SILENCE);
        assertThat(scene.parts().get(1).text()).isEqualTo(SpeechScene.SENTENCES.get(0));
        assertThat(scene.speechAt(0.5)).isFalse();
        assertThat(scene.speechAt(scene.speechSpans().get(0).start() + 0.5)).isTrue();
    }

    @Test
    void speechSpansMarkWhereTheVoiceIs() {
        SpeechScene scene = everyKind(dir);
        float[] audio = samples(scene.wav());

        double floor = Math.pow(10, SpeechScene.DEFAULT_NOISE_FLOOR_DBFS / 20);
        for (Part silence : scene.nonSpeechSpans().stream().filter(p -> p.kind() == Kind.SILENCE).toList()) {
            assertThat(rms(audio, silence.span())).as("silence %s is the noise floor", silence.span())
                    .isBetween(floor * 0.8, floor * 1.25);
        }
        for (Span speech : scene.speechSpans()) {
            assertThat(dbfs(rms(audio, speech))).as("speech %s", speech).isBetween(-26.0, -14.0);
            // tight: the voice starts and ends right at the span's edges, not a breath later or earlier
            Span head = new Span(speech.start(), speech.start() + 0.05);
            Span tail = new Span(speech.end() - 0.05, speech.end());
            assertThat(rms(audio, head)).as("first 50 ms of %s", speech).isGreaterThan(5 * floor);
            assertThat(rms(audio, tail)).as("last 50 ms of %s", speech).isGreaterThan(5 * floor);
        }
        Span before = new Span(scene.speechSpans().get(0).start() - 0.05, scene.speechSpans().get(0).start());
        assertThat(rms(audio, before)).as("50 ms before the first word").isLessThan(1.5 * floor);
    }

    @Test
    void theMelodyIsLoudPeriodicAndChangesPitch() {
        SpeechScene scene = everyKind(dir);
        float[] audio = samples(scene.wav());
        Part melody = scene.parts().get(3);

        assertThat(dbfs(rms(audio, melody.span()))).isCloseTo(SpeechScene.MELODY_DBFS, within(1.0));
        Set<Integer> periods = new TreeSet<>();
        for (double note = melody.start(); note + 0.25 <= melody.end() + 1e-9; note += 0.25) {
            // middle 200 ms of each 250 ms note: one pure tone between 220 and 880 Hz
            int from = (int) Math.round((note + 0.025) * RATE);
            int length = (int) (0.2 * RATE);
            int bestLag = 0;
            double best = -1;
            for (int lag = RATE / 880; lag <= RATE / 220 + 1; lag++) {
                double correlation = correlation(audio, from, length, lag);
                if (correlation > best) {
                    best = correlation;
                    bestLag = lag;
                }
            }
            assertThat(best).as("note at %.2f s is periodic", note).isGreaterThan(0.95);
            periods.add(bestLag);
        }
        assertThat(periods).as("pitches (periods in samples)").hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void pinkNoiseHasItsLevelAndMostOfItsEnergyLow() {
        SpeechScene scene = everyKind(dir);
        float[] audio = samples(scene.wav());
        Span pink = scene.parts().get(2).span();

        assertThat(dbfs(rms(audio, pink))).isCloseTo(-30.0, within(1.0));
        // white noise's first difference has √2 times its RMS; pink noise's far less
        int from = (int) Math.round(pink.start() * RATE);
        int to = (int) Math.round(pink.end() * RATE);
        double sum = 0;
        for (int i = from + 1; i < to; i++) {
            sum += (audio[i] - audio[i - 1]) * (double) (audio[i] - audio[i - 1]);
        }
        assertThat(Math.sqrt(sum / (to - from - 1)) / rms(audio, pink)).isLessThan(1.0);
    }

    @Test
    void theSameRecipeMakesTheSameFileUnderAFreeName() throws IOException {
        SpeechScene first = everyKind(dir);
        SpeechScene second = everyKind(dir);

        assertThat(second.wav()).isEqualTo(dir.resolve("scene-2.wav"));
        assertThat(Files.readAllBytes(second.wav())).isEqualTo(Files.readAllBytes(first.wav()));
        assertThat(second.parts()).isEqualTo(first.parts());
    }

    @Test
    void halfSpeechOfTwoMinutesIsAboutHalfSpeechInBlocks() {
        long start = System.nanoTime();
        SpeechScene scene = SpeechScene.halfSpeech(dir, 120);
        double buildSeconds = (System.nanoTime() - start) / 1e9;
        float[] audio = samples(scene.wav());

        assertThat(scene.seconds()).isCloseTo(120.0, within(1.0 / RATE));
        assertThat(audio.length).isEqualTo(120 * RATE);
        assertThat(scene.speechSeconds() / scene.seconds()).as("speech share of %s", scene).isBetween(0.4, 0.6);
        List<Span> blocks = scene.speechSpans(0.5);
        assertThat(blocks).as("speech blocks").hasSizeBetween(2, 4);
        assertThat(blocks.get(0).length()).isBetween(15.0, 30.0);
        assertThat(scene.nonSpeechSpans().stream().filter(p -> p.length() > 1).map(Part::kind)
                .collect(Collectors.toSet())).contains(Kind.SILENCE, Kind.PINK_NOISE);
        assertThat(scene.speechSpans().stream().map(s -> scene.parts().stream()
                .filter(p -> p.span().equals(s)).findFirst().orElseThrow().text()).distinct().count())
                .as("distinct sentences").isGreaterThanOrEqualTo(5);
        double speechRms = scene.speechSpans().stream().mapToDouble(s -> rms(audio, s)).min().orElseThrow();
        assertThat(dbfs(speechRms)).as("quietest sentence").isGreaterThan(-30.0);
        assertThat(buildSeconds).as("build time").isLessThan(5.0);
    }

    @Test
    void allSpeechIsSentencesWithShortPausesToTheEnd() {
        SpeechScene scene = SpeechScene.allSpeech(dir, 30);

        assertThat(scene.seconds()).isCloseTo(30.0, within(1.0 / RATE));
        assertThat(scene.speechSeconds() / scene.seconds()).isGreaterThan(0.85);
        List<Part> pauses = scene.nonSpeechSpans();
        assertThat(pauses).allSatisfy(pause -> assertThat(pause.kind()).isEqualTo(Kind.SILENCE));
        assertThat(pauses.stream().filter(p -> p.end() < scene.seconds()))
                .allSatisfy(pause -> assertThat(pause.length()).isBetween(0.2, 0.4 + 1e-9));
        List<Span> merged = scene.speechSpans(0.5);
        assertThat(merged).as("one stretch of speech").hasSize(1);
        assertThat(merged.get(0).start()).isZero();
        assertThat(merged.get(0).end()).as("the end, give or take a pause and a sliver").isGreaterThan(28.6);
    }

    // ---------------------------------------------------------------------------------------------------------------

    static float[] samples(Path wav) {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
            ByteBuffer bytes = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            float[] samples = new float[bytes.remaining() / 2];
            for (int i = 0; i < samples.length; i++) {
                samples[i] = bytes.getShort() / 32768f;
            }
            return samples;
        } catch (IOException | UnsupportedAudioFileException e) {
            throw new IllegalStateException("cannot read " + wav, e);
        }
    }

    static double rms(float[] audio, Span span) {
        int from = (int) Math.round(span.start() * RATE);
        int to = Math.min(audio.length, (int) Math.round(span.end() * RATE));
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += audio[i] * (double) audio[i];
        }
        return Math.sqrt(sum / Math.max(1, to - from));
    }

    static double dbfs(double rms) {
        return 20 * Math.log10(rms);
    }

    /** Normalized correlation of {@code audio[from, from+length)} with itself {@code lag} samples later. */
    static double correlation(float[] audio, int from, int length, int lag) {
        double xy = 0;
        double xx = 0;
        double yy = 0;
        for (int i = from; i < from + length; i++) {
            xy += audio[i] * (double) audio[i + lag];
            xx += audio[i] * (double) audio[i];
            yy += audio[i + lag] * (double) audio[i + lag];
        }
        return xy / Math.sqrt(xx * yy);
    }
}
