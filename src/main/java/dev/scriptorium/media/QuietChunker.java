package dev.scriptorium.media;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits long audio into chunks of about {@code chunkSeconds}, each cut at the quietest 100 ms within the
 * {@code searchSeconds} before the nominal boundary, so that a cut rarely falls inside a word.
 *
 * <p>Why only before: Whisper works in 30 s windows, and a chunk costs as many windows as it starts, the last one
 * padded. The nominal length is rounded to whole windows, so a chunk cut up to {@code searchSeconds} early wastes at
 * most that much of its last window, while one cut just after the boundary would pay for a whole extra window.
 * Among equally quiet points the one nearest the boundary wins.
 */
public final class QuietChunker {
    /** The length of audio Whisper decodes in one pass. */
    public static final int WINDOW_SECONDS = 30;
    private static final int FRAME = MediaFile.SAMPLE_RATE / 10;
    private final int chunkSeconds;
    private final int searchSeconds;

    public QuietChunker(int chunkSeconds, int searchSeconds) {
        if (searchSeconds * 2 >= chunkSeconds) {
            throw new IllegalArgumentException("search window must be smaller than half a chunk");
        }
        this.chunkSeconds = Math.max(1, Math.round(chunkSeconds / (float) WINDOW_SECONDS)) * WINDOW_SECONDS;
        this.searchSeconds = searchSeconds;
    }

    public List<AudioChunk> plan(PcmFile pcm) throws IOException {
        return plan(pcm, List.of());
    }

    /**
     * Cuts at the last of {@code gaps} that fits a chunk, so that a chunk ends where nobody speaks; only where no gap
     * fits (speech that runs longer than a chunk) at the quietest point.
     *
     * @param gaps sample positions between stretches of speech, in order
     */
    public List<AudioChunk> plan(PcmFile pcm, List<Long> gaps) throws IOException {
        long total = pcm.samples();
        long chunk = (long) chunkSeconds * MediaFile.SAMPLE_RATE;
        long search = (long) searchSeconds * MediaFile.SAMPLE_RATE;
        List<AudioChunk> chunks = new ArrayList<>();
        long start = 0;
        int nextGap = 0;
        // The last chunk may be up to one search window longer rather than leave a sliver behind.
        while (total - start > chunk + search) {
            long nominal = start + chunk;
            long cut = -1;
            while (nextGap < gaps.size() && gaps.get(nextGap) <= nominal) {
                if (gaps.get(nextGap) > start) {
                    cut = gaps.get(nextGap);
                }
                nextGap++;
            }
            if (cut < 0) {
                cut = quietestPoint(pcm, nominal - search, nominal);
            }
            chunks.add(new AudioChunk(start, cut));
            start = cut;
        }
        if (total > start) {
            chunks.add(new AudioChunk(start, total));
        }
        return chunks;
    }

    private static long quietestPoint(PcmFile pcm, long from, long to) throws IOException {
        float[] window = pcm.read(from, Math.toIntExact(to - from));
        long best = to;
        double bestEnergy = Double.MAX_VALUE;
        for (int offset = 0; offset + FRAME <= window.length; offset += FRAME) {
            double energy = 0;
            for (int i = offset; i < offset + FRAME; i++) {
                energy += window[i] * window[i];
            }
            if (energy <= bestEnergy) {
                bestEnergy = energy;
                best = from + offset + FRAME / 2;
            }
        }
        return best;
    }
}
