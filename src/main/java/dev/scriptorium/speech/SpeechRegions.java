package dev.scriptorium.speech;

import dev.scriptorium.media.AudioChunk;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns Silero's frame probabilities into speech regions the way Silero's own {@code get_speech_timestamps} does:
 * a region starts at a frame over the threshold, and ends only once the probability has stayed under the threshold
 * less 0.15 for the minimum silence (so a short pause keeps the region whole); regions shorter than the minimum
 * speech are dropped; then each is padded, and padding never runs into the next region, splitting a short gap
 * between the two; regions that padding joins become one.
 */
public final class SpeechRegions {
    private static final double HYSTERESIS = 0.15;

    private SpeechRegions() {
    }

    /**
     * @param probabilities one per frame of {@link SileroVad#FRAME} samples
     * @param samples       the length of the audio
     * @return the regions, in order, apart from each other, within [0, samples)
     */
    public static List<AudioChunk> of(float[] probabilities, long samples, SpeechSettings settings) {
        long minSpeech = millisToSamples(settings.minSpeechMs());
        long minSilence = millisToSamples(settings.minSilenceMs());
        long pad = millisToSamples(settings.padMs());
        double lower = Math.max(0.01, settings.threshold() - HYSTERESIS);
        List<long[]> found = new ArrayList<>();
        boolean inSpeech = false;
        long start = 0;
        long silenceSince = -1;
        for (int frame = 0; frame < probabilities.length; frame++) {
            long at = (long) frame * SileroVad.FRAME;
            float probability = probabilities[frame];
            if (probability >= settings.threshold()) {
                silenceSince = -1;
                if (!inSpeech) {
                    inSpeech = true;
                    start = at;
                }
            } else if (inSpeech && probability < lower) {
                if (silenceSince < 0) {
                    silenceSince = at;
                }
                if (at - silenceSince >= minSilence) {
                    if (silenceSince - start >= minSpeech) {
                        found.add(new long[]{start, silenceSince});
                    }
                    inSpeech = false;
                    silenceSince = -1;
                }
            }
        }
        if (inSpeech && samples - start >= minSpeech) {
            found.add(new long[]{start, samples});
        }
        return padded(found, samples, pad);
    }

    private static List<AudioChunk> padded(List<long[]> found, long samples, long pad) {
        List<AudioChunk> regions = new ArrayList<>(found.size());
        for (int i = 0; i < found.size(); i++) {
            long[] region = found.get(i);
            long start = i == 0 ? Math.max(0, region[0] - pad) : region[0];
            long end;
            if (i + 1 < found.size()) {
                long[] next = found.get(i + 1);
                long gap = next[0] - region[1];
                long share = gap < 2 * pad ? gap / 2 : pad;
                end = region[1] + share;
                next[0] = Math.max(0, next[0] - share);
            } else {
                end = Math.min(samples, region[1] + pad);
            }
            start = Math.min(start, samples);
            end = Math.min(end, samples);
            if (end <= start) {
                continue;
            }
            int last = regions.size() - 1;
            if (last >= 0 && regions.get(last).endSample() >= start) {
                // Padding closed the gap: one region.
                regions.set(last, new AudioChunk(regions.get(last).startSample(), end));
            } else {
                regions.add(new AudioChunk(start, end));
            }
        }
        return regions;
    }

    private static long millisToSamples(int millis) {
        return millis * 16L;
    }
}
