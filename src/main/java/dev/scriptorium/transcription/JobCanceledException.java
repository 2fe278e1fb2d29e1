package dev.scriptorium.transcription;

/** The job was canceled while a worker was on it; the worker stops and cleans up. */
public final class JobCanceledException extends RuntimeException {
    public JobCanceledException(java.util.UUID jobId) {
        super("Job " + jobId + " was canceled");
    }

    public JobCanceledException() {
        super("The job was canceled");
    }
}
