package dev.scriptorium.transcription;

/** A job was asked to move between two states that {@link JobTransitions} does not connect. */
public final class IllegalTransitionException extends IllegalStateException {
    private final JobStatus from;
    private final JobStatus to;

    IllegalTransitionException(JobStatus from, JobStatus to) {
        super("A job cannot move from " + from.apiName() + " to " + to.apiName());
        this.from = from;
        this.to = to;
    }

    public JobStatus from() {
        return from;
    }

    public JobStatus to() {
        return to;
    }
}
