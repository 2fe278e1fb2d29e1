package dev.scriptorium.retention;

import java.time.Duration;
import java.time.Instant;

/** What one cleanup run did (or, for a dry run, would have done). */
public record CleanupReport(Instant startedAt, Duration duration, boolean dryRun, Outcome outcome, int jobsDeleted,
                            int mediaDeleted, int orphansDeleted, int filesDeleted, long bytesFreed) {
    public enum Outcome {
        DONE,
        /** Another run held the lock: this one did nothing. */
        SKIPPED_ANOTHER_RUN
    }

    @Override
    public String toString() {
        return (dryRun ? "Cleanup dry run (nothing deleted): " : "Cleanup: ")
                + (outcome == Outcome.SKIPPED_ANOTHER_RUN ? "skipped, another run is in progress"
                : jobsDeleted + " jobs, " + mediaDeleted + " media files, " + orphansDeleted + " orphan objects, "
                + filesDeleted + " local files; " + bytesFreed + " bytes")
                + " in " + duration.toMillis() + " ms";
    }
}
