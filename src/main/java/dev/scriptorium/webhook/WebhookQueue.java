package dev.scriptorium.webhook;

import dev.scriptorium.queue.JobQueue;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * Puts delivery attempts on the webhook queue, which only the processes that run ingest serve: never a web request
 * and never a transcription slot. Automatic attempt N of an event has one id, so queueing it twice queues it once.
 * Thread-safe.
 */
public final class WebhookQueue {
    public static final String SWEEP_ID = "webhook-sweep";
    private final JobQueue queue;

    public WebhookQueue(JobQueue queue) {
        this.queue = queue;
    }

    public void enqueue(String deliveryId, int attempt) {
        queue.enqueue(attemptId(deliveryId, attempt), (WebhookStep step) -> step.deliver(deliveryId, attempt));
    }

    public void schedule(String deliveryId, int attempt, Instant at) {
        queue.schedule(attemptId(deliveryId, attempt), at, (WebhookStep step) -> step.deliver(deliveryId, attempt));
    }

    /** For the sweep: queues the attempt unless it is waiting, scheduled or running. */
    public void ensureEnqueued(String deliveryId, int attempt) {
        queue.ensureEnqueued(attemptId(deliveryId, attempt), (WebhookStep step) -> step.deliver(deliveryId, attempt));
    }

    /** An operator's redelivery: one more attempt now, whatever the event's state. */
    public void redeliver(String deliveryId) {
        queue.enqueue(UUID.randomUUID(), (WebhookStep step) -> step.redeliver(deliveryId));
    }

    /** Every minute, the master server of the queue looks for attempts that went missing. */
    public void scheduleSweep() {
        queue.scheduleRecurrently(SWEEP_ID, "* * * * *", (WebhookStep step) -> step.sweep());
    }

    private static UUID attemptId(String deliveryId, int attempt) {
        return UUID.nameUUIDFromBytes(("webhook:" + deliveryId + ":" + attempt).getBytes(StandardCharsets.UTF_8));
    }
}
