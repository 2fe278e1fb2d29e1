package dev.scriptorium.transcription;

import java.time.Duration;
import java.util.Locale;

/** Durations as people read them: "45 s", "12 min 5 s", "2 h 3 min". */
final class HumanDurations {
    private HumanDurations() {
    }

    static String format(Duration duration) {
        long seconds = Math.max(0, Math.round(duration.toMillis() / 1000.0));
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%d min %d s", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%d h %d min", seconds / 3600, (seconds % 3600) / 60);
    }
}
