package dev.scriptorium.speech;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scriptorium.media.AudioChunk;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpeechRegionsTest {
    private static final SpeechSettings DEFAULTS = SpeechSettings.defaults(Path.of("unused.onnx"));
    private static final double FRAME_SECONDS = SileroVad.FRAME / 16000.0;

    /** Frame probabilities: {@code high} between the given seconds, 0.02 elsewhere. */
    private static float[] speechBetween(double seconds, double... spans) {
        float[] frames = new float[(int) Math.ceil(seconds / FRAME_SECONDS)];
        Arrays.fill(frames, 0.02f);
        for (int i = 0; i < spans.length; i += 2) {
            for (int frame = (int) (spans[i] / FRAME_SECONDS); frame < spans[i + 1] / FRAME_SECONDS; frame++) {
                frames[frame] = 0.95f;
            }
        }
        return frames;
    }

    private static long samples(double seconds) {
        return Math.round(seconds * 16000);
    }

    @Test
    void aSpeechSpanBecomesOneRegionPaddedBy200MillisecondsOnEachSide() {
        List<AudioChunk> regions = SpeechRegions.of(speechBetween(20, 5, 10), samples(20), DEFAULTS);

        assertThat(regions).hasSize(1);
        assertThat(regions.get(0).startSeconds()).isCloseTo(4.8, org.assertj.core.data.Offset.offset(0.04));
        assertThat(regions.get(0).endSeconds()).isCloseTo(10.2, org.assertj.core.data.Offset.offset(0.04));
    }

    @Test
    void aPauseShorterThanTheMinimumSilenceKeepsTheRegionWhole() {
        List<AudioChunk> regions = SpeechRegions.of(speechBetween(20, 2, 5, 5.4, 8), samples(20), DEFAULTS);

        assertThat(regions).hasSize(1);
    }

    @Test
    void aPauseOfAtLeastTheMinimumSilenceSplitsTheRegions() {
        List<AudioChunk> regions = SpeechRegions.of(speechBetween(20, 2, 5, 7, 9), samples(20), DEFAULTS);

        assertThat(regions).hasSize(2);
        assertThat(regions.get(0).endSample()).isLessThan(regions.get(1).startSample());
    }

    @Test
    void aBurstShorterThanTheMinimumSpeechIsDropped() {
        assertThat(SpeechRegions.of(speechBetween(20, 5, 5.15), samples(20), DEFAULTS)).isEmpty();
    }

    @Test
    void silenceHasNoRegions() {
        assertThat(SpeechRegions.of(speechBetween(20), samples(20), DEFAULTS)).isEmpty();
    }

    @Test
    void speechThatRunsToTheEndEndsWithTheAudio() {
        List<AudioChunk> regions = SpeechRegions.of(speechBetween(10, 6, 10), samples(10), DEFAULTS);

        assertThat(regions).hasSize(1);
        assertThat(regions.get(0).endSample()).isEqualTo(samples(10));
    }

    @Test
    void paddingThatWouldCloseAGapJoinsTheRegions() {
        SpeechSettings widePadding = new SpeechSettings(Path.of("unused.onnx"), 0.5, 250, 500, 400);

        List<AudioChunk> regions = SpeechRegions.of(speechBetween(20, 2, 5, 5.6, 8), samples(20), widePadding);

        assertThat(regions).hasSize(1);
        assertThat(regions.get(0).startSeconds()).isCloseTo(1.6, org.assertj.core.data.Offset.offset(0.04));
    }
}
