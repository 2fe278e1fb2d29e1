package dev.scriptorium.speech;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class SpeechProbabilitiesTest {
    /** Frames of 32 ms: speech for the first second, none after. */
    private static final float[] FRAMES = new float[62];

    static {
        for (int i = 0; i < 31; i++) {
            FRAMES[i] = 1f;
        }
    }

    @Test
    void theMeanCoversTheFramesASpanOverlaps() {
        SpeechProbabilities speech = new SpeechProbabilities(FRAMES);

        assertThat(speech.meanOver(0, 0.992)).isEqualTo(1.0);
        assertThat(speech.meanOver(1.0, 1.98)).isEqualTo(0.0);
        assertThat(speech.meanOver(0, 1.984)).isCloseTo(0.5, offset(1e-9));
    }

    @Test
    void anEmptySpanTakesTheFrameItLiesIn() {
        assertThat(new SpeechProbabilities(FRAMES).meanOver(0.5, 0.5)).isEqualTo(1.0);
    }
}
