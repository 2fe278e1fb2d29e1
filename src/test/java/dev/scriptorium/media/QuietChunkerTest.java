package dev.scriptorium.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuietChunkerTest {
    @TempDir
    Path dir;

    /** Loud noise everywhere except a 200 ms silence starting at {@code quietAt} seconds. */
    private Path noiseWithSilenceAt(double seconds, double quietAt) throws IOException {
        int samples = (int) (seconds * MediaFile.SAMPLE_RATE);
        ByteBuffer bytes = ByteBuffer.allocate(samples * 4).order(ByteOrder.LITTLE_ENDIAN);
        java.util.Random random = new java.util.Random(1);
        int quietStart = (int) (quietAt * MediaFile.SAMPLE_RATE);
        for (int i = 0; i < samples; i++) {
            boolean quiet = i >= quietStart && i < quietStart + MediaFile.SAMPLE_RATE / 5;
            bytes.putFloat(quiet ? 0f : (float) (random.nextGaussian() * 0.3));
        }
        Path file = dir.resolve("audio.f32");
        Files.write(file, bytes.array());
        return file;
    }

    @Test
    void cutsAtTheSilenceJustBeforeTheNominalBoundary() throws IOException {
        try (PcmFile pcm = new PcmFile(noiseWithSilenceAt(100, 27.0))) {
            List<AudioChunk> chunks = new QuietChunker(30, 5).plan(pcm);
            assertThat(chunks.get(0).startSample()).isZero();
            assertThat(chunks.get(0).endSeconds()).isBetween(27.0, 27.2);
        }
    }

    @Test
    void neverCutsAfterTheBoundarySoNoChunkStartsAnExtraWhisperWindow() throws IOException {
        try (PcmFile pcm = new PcmFile(noiseWithSilenceAt(200, 33.0))) {
            List<AudioChunk> chunks = new QuietChunker(60, 5).plan(pcm);
            for (AudioChunk chunk : chunks.subList(0, chunks.size() - 1)) {
                double seconds = chunk.endSeconds() - chunk.startSeconds();
                assertThat(seconds).isBetween(55.0, 60.0);
            }
        }
    }

    @Test
    void roundsTheChunkLengthToWholeWhisperWindows() throws IOException {
        try (PcmFile pcm = new PcmFile(noiseWithSilenceAt(200, 88.0))) {
            List<AudioChunk> chunks = new QuietChunker(100, 10).plan(pcm);
            assertThat(chunks.get(0).endSeconds()).isBetween(88.0, 88.2);
        }
    }

    @Test
    void amongEquallyQuietPointsTheOneNearestTheBoundaryWins() throws IOException {
        Path file = dir.resolve("silence.f32");
        Files.write(file, new byte[100 * MediaFile.SAMPLE_RATE * Float.BYTES]);
        try (PcmFile pcm = new PcmFile(file)) {
            assertThat(new QuietChunker(30, 5).plan(pcm).get(0).endSeconds()).isBetween(29.9, 30.0);
        }
    }

    @Test
    void chunksCoverTheWholeFileWithoutGapsOrOverlap() throws IOException {
        try (PcmFile pcm = new PcmFile(noiseWithSilenceAt(100, 50))) {
            List<AudioChunk> chunks = new QuietChunker(30, 5).plan(pcm);
            assertThat(chunks).hasSizeGreaterThan(2);
            for (int i = 1; i < chunks.size(); i++) {
                assertThat(chunks.get(i).startSample()).isEqualTo(chunks.get(i - 1).endSample());
            }
            assertThat(chunks.get(chunks.size() - 1).endSample()).isEqualTo(pcm.samples());
        }
    }

    @Test
    void shortAudioIsOneChunk() throws IOException {
        try (PcmFile pcm = new PcmFile(noiseWithSilenceAt(20, 5))) {
            assertThat(new QuietChunker(30, 5).plan(pcm)).containsExactly(new AudioChunk(0, pcm.samples()));
        }
    }

    @Test
    void aGapBetweenSpeechRegionsIsCutBeforeAnyQuietPoint() throws IOException {
        try (PcmFile pcm = new PcmFile(noiseWithSilenceAt(100, 27.0))) {
            long gap = 12 * MediaFile.SAMPLE_RATE;

            List<AudioChunk> chunks = new QuietChunker(30, 5).plan(pcm, List.of(gap, 40L * MediaFile.SAMPLE_RATE));

            assertThat(chunks.get(0).endSample()).isEqualTo(gap);
        }
    }

    @Test
    void theLastGapThatFitsAChunkIsTheCut() throws IOException {
        try (PcmFile pcm = new PcmFile(noiseWithSilenceAt(100, 27.0))) {
            List<Long> gaps = List.of(8L * MediaFile.SAMPLE_RATE, 21L * MediaFile.SAMPLE_RATE,
                    31L * MediaFile.SAMPLE_RATE);

            List<AudioChunk> chunks = new QuietChunker(30, 5).plan(pcm, gaps);

            assertThat(chunks.get(0).endSample()).isEqualTo(21L * MediaFile.SAMPLE_RATE);
            assertThat(chunks.get(1).endSample()).isEqualTo(31L * MediaFile.SAMPLE_RATE);
        }
    }

    @Test
    void speechLongerThanAChunkIsCutAtItsQuietestPoint() throws IOException {
        try (PcmFile pcm = new PcmFile(noiseWithSilenceAt(100, 27.0))) {
            List<AudioChunk> chunks = new QuietChunker(30, 5).plan(pcm, List.of(70L * MediaFile.SAMPLE_RATE));

            assertThat(chunks.get(0).endSeconds()).isBetween(27.0, 27.2);
        }
    }
}
