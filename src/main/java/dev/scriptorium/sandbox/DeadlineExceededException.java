package dev.scriptorium.sandbox;

/** A request ran past the job's time limit; the child was killed. */
public final class DeadlineExceededException extends Exception {
    public DeadlineExceededException(String message) {
        super(message);
    }
}
