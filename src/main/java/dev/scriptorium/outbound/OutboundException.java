package dev.scriptorium.outbound;

import java.util.Optional;

/**
 * Why a request the service sent on a user's behalf did not succeed. The message is a sentence meant for that user
 * (it names their URL and what went wrong) and never holds a stack trace; the cause, where there is one, is for logs.
 */
public final class OutboundException extends Exception {
    public enum Kind {
        /** The guard or the scheme check refused the URL; nothing was sent. */
        REFUSED,
        /** Unreachable, connection refused or reset, a non-2xx answer to a GET, too many redirects. */
        FAILED,
        /** The answer was larger than the caller's limit. */
        TOO_LARGE,
        /** Connect timeout, read (inactivity) timeout, or the overall deadline. */
        TIMEOUT
    }

    private final Kind kind;
    private final Integer status;

    OutboundException(Kind kind, String message) {
        this(kind, message, null, null);
    }

    OutboundException(Kind kind, String message, Throwable cause) {
        this(kind, message, null, cause);
    }

    static OutboundException failedWithStatus(int status, String message) {
        return new OutboundException(Kind.FAILED, message, status, null);
    }

    private OutboundException(Kind kind, String message, Integer status, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status, for a {@link Kind#FAILED} that the server answered with one. */
    public Optional<Integer> status() {
        return Optional.ofNullable(status);
    }
}
