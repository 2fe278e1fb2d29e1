package dev.scriptorium.media;

import java.io.IOException;

/**
 * Finds the stretch of audio most likely to hold speech for language detection, by energy: the window of up to 30 s
 * (what Whisper looks at) with the highest mean power, on a one-second grid. Silence and near-silence never win over
 * speech; loud music may, which speech detection (a later issue) refines.
 */
public final class LoudestWindow {
    public static final int SECONDS = 30;

    private LoudestWindow() {
    }

    public static AudioChunk find(PcmFile pcm) throws IOException {
        int rate = MediaFile.SAMPLE_RATE;
        long total = pcm.samples();
        int blocks = (int) ((total + rate - 1) / rate);
        if (blocks <= SECONDS) {
            return new AudioChunk(0, total);
        }
        double[] power = new double[blocks];
        for (int block = 0; block < blocks; block++) {
            float[] samples = pcm.read((long) block * rate, rate);
            double sum = 0;
            for (float sample : samples) {
                sum += sample * sample;
            }
            power[block] = sum;
        }
        double window = 0;
        for (int block = 0; block < SECONDS; block++) {
            window += power[block];
        }
        double best = window;
        int bestStart = 0;
        for (int start = 1; start + SECONDS <= blocks; start++) {
            window += power[start + SECONDS - 1] - power[start - 1];
            if (window > best) {
                best = window;
                bestStart = start;
            }
        }
        long from = (long) bestStart * rate;
        return new AudioChunk(from, Math.min(total, from + (long) SECONDS * rate));
    }
}
