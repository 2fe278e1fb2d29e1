package dev.scriptorium.testing;

import java.time.Duration;

/**
 * How long a test waits for jobs, sized by the work it asks for rather than by how fast this machine is today: a
 * suite that passes here must pass on a machine five times slower, or beside another heavy job. A wait that runs out
 * is a failure, so these bounds are generous; a passing test never waits longer than its work takes.
 */
public final class Patience {
    /** Fixed costs on a slow machine: a child's start and model load, FFmpeg, queue hand-offs, polling. */
    private static final Duration FIXED = Duration.ofMinutes(2);
    /** About twenty times what the synthetic tiny model needs per second of audio on two cores here (0.05 s). */
    private static final double SECONDS_PER_AUDIO_SECOND = 1.0;

    private Patience() {
    }

    /** For jobs whose audio, together with what is queued ahead of them, lasts {@code audioSeconds}. */
    public static Duration forAudio(double audioSeconds) {
        return FIXED.plusMillis(Math.round(audioSeconds * SECONDS_PER_AUDIO_SECOND * 1000));
    }

    /** For a step that transcribes nothing: a stage change, a child's start, a queue hand-off. */
    public static Duration forSteps() {
        return FIXED;
    }
}
