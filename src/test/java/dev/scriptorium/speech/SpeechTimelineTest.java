package dev.scriptorium.speech;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.scriptorium.media.AudioChunk;
import dev.scriptorium.media.PcmFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpeechTimelineTest {
    private static final double GAP = SpeechTimeline.GAP_SAMPLES / 16000.0;
    /** Speech at 10–12 s and 30–33 s of a 40 s file. */
    private static final SpeechTimeline TWO_REGIONS = SpeechTimeline.packing(List.of(
            new AudioChunk(160_000, 192_000), new AudioChunk(480_000, 528_000)), 640_000);

    @TempDir
    Path dir;

    @Test
    void packedAudioHoldsTheRegionsWithAShortSilenceBetween() {
        assertThat(TWO_REGIONS.packedSamples()).isEqualTo(32_000 + SpeechTimeline.GAP_SAMPLES + 48_000);
        assertThat(TWO_REGIONS.speechSeconds()).isEqualTo(5.0);
    }

    @Test
    void aTimeInsideARegionMapsBackExactly() {
        assertThat(TWO_REGIONS.originalStart(0.5)).isEqualTo(10.5);
        assertThat(TWO_REGIONS.originalEnd(2 + GAP + 1.25)).isCloseTo(31.25, offset(1e-9));
    }

    @Test
    void aStartInTheSilenceBetweenRegionsMovesToTheNextRegion() {
        assertThat(TWO_REGIONS.originalStart(2 + GAP / 2)).isEqualTo(30.0);
    }

    @Test
    void anEndInTheSilenceBetweenRegionsMovesBackToTheRegionsEnd() {
        assertThat(TWO_REGIONS.originalEnd(2 + GAP / 2)).isEqualTo(12.0);
    }

    @Test
    void chunksAreBestCutInTheMiddleOfEachSilence() {
        assertThat(TWO_REGIONS.gapCuts()).containsExactly(32_000L + SpeechTimeline.GAP_SAMPLES / 2);
    }

    @Test
    void theWholeFileMapsEveryTimeToItself() {
        SpeechTimeline whole = SpeechTimeline.whole(640_000);

        assertThat(whole.packs()).isFalse();
        assertThat(whole.originalStart(17.25)).isEqualTo(17.25);
        assertThat(whole.gapCuts()).isEmpty();
    }

    @Test
    void differentPackingsHaveDifferentFingerprints() {
        SpeechTimeline other = SpeechTimeline.packing(List.of(new AudioChunk(160_000, 192_000)), 640_000);

        assertThat(TWO_REGIONS.fingerprint()).isNotEqualTo(other.fingerprint())
                .isNotEqualTo(SpeechTimeline.whole(640_000).fingerprint())
                .isEqualTo(SpeechTimeline.packing(TWO_REGIONS.regions(), 640_000).fingerprint());
    }

    @Test
    void writtenPackedAudioHoldsExactlyTheRegionsSamples() throws IOException {
        Path original = dir.resolve("audio.f32");
        ByteBuffer bytes = ByteBuffer.allocate(640_000 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 640_000; i++) {
            bytes.putFloat(i / 1_000_000f);
        }
        Files.write(original, bytes.array());
        Path packed = dir.resolve("speech.pcm");

        TWO_REGIONS.writePacked(original, packed);

        try (PcmFile pcm = new PcmFile(packed)) {
            assertThat(pcm.samples()).isEqualTo(TWO_REGIONS.packedSamples());
            assertThat(pcm.read(0, 1)[0]).isEqualTo(160_000 / 1_000_000f);
            assertThat(pcm.read(32_000, SpeechTimeline.GAP_SAMPLES)).containsOnly(0f);
            assertThat(pcm.read(32_000 + SpeechTimeline.GAP_SAMPLES, 1)[0]).isEqualTo(480_000 / 1_000_000f);
        }
    }
}
