package dev.scriptorium.ingest;

import dev.scriptorium.queue.JobQueue;
import java.util.UUID;

/** Puts jobs on the ingest queue. Thread-safe. */
public final class IngestQueue {
    private final JobQueue queue;

    public IngestQueue(JobQueue queue) {
        this.queue = queue;
    }

    public void enqueue(UUID jobId) {
        queue.enqueue(jobId, (IngestStep step) -> step.ingest(jobId));
    }
}
