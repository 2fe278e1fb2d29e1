package dev.scriptorium.reconcile;

import dev.scriptorium.ingest.IngestQueue;
import dev.scriptorium.queue.JobQueue;
import dev.scriptorium.transcription.JobStage;
import dev.scriptorium.transcription.JobStatus;
import dev.scriptorium.transcription.TranscriptionJob;
import dev.scriptorium.transcription.TranscriptionJobs;
import dev.scriptorium.transcription.TranscriptionQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes every unfinished job's queue entry match its row. JobRunr cannot share a transaction with Hibernate: a row is
 * committed first and its queue entry added after, so a crash in between leaves a row with no entry; and a JobRunr
 * job can end (retries used up, deleted on the dashboard) while the row still says the work is not done. Each such
 * job is enqueued again on the queue its row says it belongs on; its step then finishes it or fails it with a
 * reason. Jobs touched in the last few seconds are left to the code that is handling them. Thread-safe.
 */
public final class Reconciler {
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
    private static final int PAGE = 1000;
    /** Time for the web process to enqueue a row it just committed. */
    private static final Duration SETTLE = Duration.ofSeconds(10);
    private final TranscriptionJobs jobs;
    private final IngestQueue ingest;
    private final TranscriptionQueue transcription;
    private final Clock clock;

    public Reconciler(TranscriptionJobs jobs, IngestQueue ingest, TranscriptionQueue transcription, Clock clock) {
        this.jobs = jobs;
        this.ingest = ingest;
        this.transcription = transcription;
        this.clock = clock;
    }

    /** @return how many jobs were put (back) on a queue */
    public int run() {
        Instant settled = clock.instant().minus(SETTLE);
        int fixed = 0;
        Optional<TranscriptionJob> after = Optional.empty();
        while (true) {
            List<TranscriptionJob> page = jobs.unfinished(after, PAGE);
            for (TranscriptionJob job : page) {
                if (job.updatedAt().isAfter(settled)) {
                    continue;
                }
                try {
                    JobQueue.Ensured outcome = ingested(job) ? transcription.ensureEnqueued(job.id())
                            : ingest.ensureEnqueued(job.id());
                    if (outcome != JobQueue.Ensured.PRESENT) {
                        fixed++;
                        log.info("Job {} ({}) had no live queue entry: {}", job.id(),
                                job.status().apiName(), outcome == JobQueue.Ensured.ENQUEUED ? "enqueued"
                                        : "enqueued again");
                    }
                } catch (RuntimeException e) {
                    log.warn("Could not re-queue job {}: {}", job.id(), e.toString());
                }
            }
            if (page.size() < PAGE) {
                return fixed;
            }
            after = Optional.of(page.get(page.size() - 1));
        }
    }

    /**
     * An operator's retry: a failed or canceled job goes back to the queue its row points to.
     *
     * @return the job as queued, or empty if it does not exist
     * @throws IllegalStateException if the job is not failed or canceled, or its media is gone
     */
    public Optional<TranscriptionJob> retry(java.util.UUID id) {
        Optional<TranscriptionJob> found = jobs.find(id);
        if (found.isEmpty()) {
            return found;
        }
        TranscriptionJob before = found.get();
        if (before.status() != JobStatus.FAILED && before.status() != JobStatus.CANCELED) {
            throw new IllegalStateException("Only failed or canceled jobs can be retried; this one is "
                    + before.status().apiName() + ".");
        }
        if (before.mediaKey().isEmpty() && before.mediaDeletedAt().isPresent()) {
            throw new IllegalStateException("The job's media was deleted by retention; it cannot be retried.");
        }
        Optional<TranscriptionJob> queued = jobs.update(id, job -> job.retry(clock.instant()));
        queued.ifPresent(job -> {
            if (ingested(job)) {
                transcription.ensureEnqueued(id);
            } else {
                ingest.ensureEnqueued(id);
            }
        });
        return queued;
    }

    private static boolean ingested(TranscriptionJob job) {
        return job.mediaKey().isPresent()
                && !(job.status() == JobStatus.PROCESSING && job.stage().orElse(null) == JobStage.INGESTING);
    }
}
