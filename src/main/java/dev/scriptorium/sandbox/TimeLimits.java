package dev.scriptorium.sandbox;

import java.time.Duration;

/**
 * A job's wall-clock limit: {@code factor} times what the worker's measured speed predicts for the audio's length,
 * but never below {@code floor} (start-up, download, short files) nor above {@code ceiling}.
 */
public record TimeLimits(Duration floor, Duration ceiling, double factor) {

    public Duration limitFor(double audioSeconds, double secondsPerAudioSecond) {
        double predicted = audioSeconds * secondsPerAudioSecond * factor;
        long millis = (long) Math.min(ceiling.toMillis(), Math.max(floor.toMillis(), predicted * 1000));
        return Duration.ofMillis(millis);
    }
}
