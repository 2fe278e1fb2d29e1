package dev.scriptorium.webhook;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One event on its way to one URL, and every attempt to deliver it.
 *
 * @param id       the {@code webhook-id}: the same on every attempt, so that receivers can deduplicate
 * @param status   pending (an attempt is due), delivered (a receiver answered 2xx) or failed (attempts ran out)
 * @param attempts automatic attempts made so far; redeliveries are logged but not counted here
 * @param payload  the body, fixed at the first attempt, so that every attempt sends the same bytes
 */
public record WebhookDelivery(String id, UUID jobId, String type, URI url, Optional<UUID> ownerKey,
                              Optional<String> payload, String status, int attempts, Optional<Instant> nextAttemptAt,
                              Instant createdAt, Optional<Instant> deliveredAt, List<Attempt> log) {
    public static final String PENDING = "pending";
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";

    /**
     * @param number     1 for the first attempt, counting redeliveries
     * @param manual     a redelivery an operator asked for
     * @param statusCode what the receiver answered, if it answered
     * @param error      why there was no answer, or why it was refused
     */
    public record Attempt(int number, boolean manual, Instant at, Optional<Integer> statusCode,
                          Optional<String> error, long latencyMs) {
        public boolean succeeded() {
            return statusCode.isPresent() && statusCode.get() >= 200 && statusCode.get() < 300;
        }
    }

    WebhookDelivery withLog(List<Attempt> entries) {
        return new WebhookDelivery(id, jobId, type, url, ownerKey, payload, status, attempts, nextAttemptAt,
                createdAt, deliveredAt, List.copyOf(entries));
    }
}
