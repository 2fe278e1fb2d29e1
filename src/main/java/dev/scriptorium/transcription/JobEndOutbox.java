package dev.scriptorium.transcription;

import org.hibernate.Session;

/**
 * Writes what must commit together with a job's end, inside the transaction that ends it: the webhook outbox, so
 * that no finished job goes unannounced because a process died between the commit and the announcement.
 */
@FunctionalInterface
public interface JobEndOutbox {
    JobEndOutbox NONE = (session, job) -> { };

    /** Called once per move into completed, failed or canceled, with the job as it will commit. */
    void ended(Session session, TranscriptionJob job);
}
