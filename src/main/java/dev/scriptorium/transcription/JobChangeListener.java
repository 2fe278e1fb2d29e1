package dev.scriptorium.transcription;

/** Told of every committed change to a job, e.g. to publish it or count it; must not throw. */
@FunctionalInterface
public interface JobChangeListener {
    /** @param before the job's status before the change, or null for a job just created */
    void changed(TranscriptionJob job, JobStatus before);

    /** Tells both, this one first. */
    default JobChangeListener andThen(JobChangeListener next) {
        return (job, before) -> {
            changed(job, before);
            next.changed(job, before);
        };
    }
}
