package dev.scriptorium.batch;

/**
 * The server refused a request, or could not be reached. The message is the server's own (its {@code error.message})
 * or says what failed, never a stack trace.
 */
final class ServerException extends Exception {
    private final int status;

    ServerException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** Whether asking again may help: no answer, or the server's own trouble. */
    boolean retryable() {
        return status == 0 || status == 429 || status >= 500;
    }
}
