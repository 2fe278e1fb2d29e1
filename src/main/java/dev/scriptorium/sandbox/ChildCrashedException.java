package dev.scriptorium.sandbox;

/** The child process died while it was working on a request. */
public final class ChildCrashedException extends Exception {
    private final int exitCode;

    public ChildCrashedException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
