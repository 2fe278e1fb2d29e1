package dev.scriptorium.reconcile;

import dev.scriptorium.ingest.IngestQueue;
import dev.scriptorium.transcription.JobStage;
import dev.scriptorium.transcription.TranscriptionJob;
import dev.scriptorium.transcription.TranscriptionJobs;
import dev.scriptorium.transcription.TranscriptionQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts every unfinished job back on the queue it belongs on. JobRunr cannot share a transaction with Hibernate, so a
 * job row can be committed while its queue entry is not (a crash in between); enqueueing is idempotent, so running
 * this for jobs that are queued already does nothing.
 */
public final class Reconciler {
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
    private static final int BATCH = 10_000;
    private final TranscriptionJobs jobs;
    private final IngestQueue ingest;
    private final TranscriptionQueue transcription;

    public Reconciler(TranscriptionJobs jobs, IngestQueue ingest, TranscriptionQueue transcription) {
        this.jobs = jobs;
        this.ingest = ingest;
        this.transcription = transcription;
    }

    /** @return how many unfinished jobs were looked at */
    public int run() {
        int seen = 0;
        for (TranscriptionJob job : jobs.unfinished(BATCH)) {
            boolean ingested = job.mediaKey().isPresent() && job.stage().orElse(null) != JobStage.INGESTING;
            try {
                if (ingested) {
                    transcription.enqueue(job.id());
                } else {
                    ingest.enqueue(job.id());
                }
                seen++;
            } catch (RuntimeException e) {
                log.warn("Could not re-queue job {}: {}", job.id(), e.toString());
            }
        }
        if (seen > 0) {
            log.info("Checked {} unfinished jobs against their queues", seen);
        }
        return seen;
    }
}
