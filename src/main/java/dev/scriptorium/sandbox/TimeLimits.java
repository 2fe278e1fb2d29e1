package dev.scriptorium.sandbox;

import java.time.Duration;

/**
 * When a job's child is stopped. A child that has used almost no CPU for {@code hangAfter} is hung, however long the
 * job may still take. The wall-clock limit is only a last resort for work that runs but never ends: {@code factor}
 * times what the slot's measured speed predicts for the audio's length, but never below {@code floor} (start-up,
 * download, short files) nor above {@code ceiling}.
 */
public record TimeLimits(Duration floor, Duration ceiling, double factor, Duration hangAfter) {

    public Duration limitFor(double audioSeconds, double secondsPerAudioSecond) {
        double predicted = audioSeconds * secondsPerAudioSecond * factor;
        long millis = (long) Math.min(ceiling.toMillis(), Math.max(floor.toMillis(), predicted * 1000));
        return Duration.ofMillis(millis);
    }
}
