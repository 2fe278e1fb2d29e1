package dev.scriptorium.sandbox;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Tells a hung child from a slow one by its CPU time. A child stuck on a network read inside FFmpeg, or in a
 * whisper.cpp deadlock, uses no CPU; a child that is only slow (a loaded machine, CPU throttling in a container, a
 * noisy neighbour) keeps using some. Hung means: over the last {@code hangAfter}, the child used less than
 * {@link #ALMOST_NO_CPU} of one core. Not thread-safe: one waiting thread feeds it.
 */
final class HangWatch {
    /** An idle JVM (its GC and JIT threads) stays far below this; a working one, however starved, far above. */
    static final double ALMOST_NO_CPU = 0.02;
    private final long windowNanos;
    private final Deque<Sample> samples = new ArrayDeque<>();

    private record Sample(long nanos, double cpuSeconds) {
    }

    HangWatch(Duration hangAfter) {
        this.windowNanos = hangAfter.toNanos();
    }

    /** The child reported progress: whatever its CPU time says, it is not hung, so the window starts again. */
    void progressed() {
        samples.clear();
    }

    /**
     * Records the child's CPU time at {@code nanos} (any monotonic clock).
     *
     * @return true if the samples cover at least {@code hangAfter} and the child used almost no CPU in that time
     */
    boolean hung(long nanos, double cpuSeconds) {
        samples.addLast(new Sample(nanos, cpuSeconds));
        // Keep the newest sample that is at least a whole window old as the window's start.
        while (samples.size() > 2) {
            Sample first = samples.removeFirst();
            if (nanos - samples.peekFirst().nanos() < windowNanos) {
                samples.addFirst(first);
                break;
            }
        }
        Sample oldest = samples.peekFirst();
        long covered = nanos - oldest.nanos();
        if (covered < windowNanos) {
            return false;
        }
        return cpuSeconds - oldest.cpuSeconds() < ALMOST_NO_CPU * covered / 1e9;
    }
}
