package dev.scriptorium.retention;

import dev.scriptorium.metrics.Metrics;
import org.jobrunr.jobs.annotations.Job;

/** The scheduler's recurring retention run, as a JobRunr job on the ingest queue. */
public final class CleanupStep {
    /** The recurring job's id in JobRunr, so that every scheduler start updates the same one. */
    public static final String RECURRING_ID = "retention-cleanup";
    private final RetentionCleanup cleanup;
    private final Metrics metrics;

    public CleanupStep(RetentionCleanup cleanup, Metrics metrics) {
        this.cleanup = cleanup;
        this.metrics = metrics;
    }

    // No retries: the next scheduled run does the same work, and a failed run must not pile up behind it.
    @Job(name = "retention cleanup", retries = 0)
    public void run() throws Exception {
        cleanup.run(false, deletion -> metrics.cleanedUp(deletion.kind().name().toLowerCase(java.util.Locale.ROOT),
                deletion.bytes()));
    }
}
