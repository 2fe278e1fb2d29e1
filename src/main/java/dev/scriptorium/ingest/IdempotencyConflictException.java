package dev.scriptorium.ingest;

import java.util.UUID;

/** An Idempotency-Key sent again with a different request: which one was meant cannot be told. */
public final class IdempotencyConflictException extends RuntimeException {
    private final UUID earlierJob;

    public IdempotencyConflictException(String key, UUID earlierJob) {
        super("The Idempotency-Key '" + key + "' was sent before with a different request (job " + earlierJob
                + "). Send a new key for a new request, or repeat the first request exactly.");
        this.earlierJob = earlierJob;
    }

    public UUID earlierJob() {
        return earlierJob;
    }
}
