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

    /** Worker threads of every running ingest server, in any process. */
    public int workerCount() {
        return queue.workerCount();
    }

    /** For the reconciler: enqueues the job unless it is waiting or running already. */
    public JobQueue.Ensured ensureEnqueued(UUID jobId) {
        return queue.ensureEnqueued(jobId, (IngestStep step) -> step.ingest(jobId));
    }
}
