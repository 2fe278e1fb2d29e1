package dev.scriptorium.webhook;

import dev.scriptorium.outbound.OutboundGuard;
import dev.scriptorium.transcription.JobChangeListener;
import dev.scriptorium.transcription.JobStatus;
import dev.scriptorium.transcription.TranscriptionJob;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Job events for the rest of the service: queues the first attempt once a job's end has committed (the outbox row
 * was written with it), checks the URLs users name, and reads and redelivers events. Thread-safe.
 */
public final class Webhooks implements JobChangeListener {
    private static final Logger log = LoggerFactory.getLogger(Webhooks.class);
    private final WebhookDeliveries deliveries;
    private final WebhookQueue queue;
    private final OutboundGuard guard;
    private final boolean anonymousSecret;

    public Webhooks(WebhookDeliveries deliveries, WebhookQueue queue, OutboundGuard guard, boolean anonymousSecret) {
        this.deliveries = deliveries;
        this.queue = queue;
        this.guard = guard;
        this.anonymousSecret = anonymousSecret;
    }

    @Override
    public void changed(TranscriptionJob job, JobStatus before) {
        if (before == null || before.isFinished() || !job.status().isFinished()
                || (job.webhookUrl().isEmpty() && job.ownerKey().isEmpty())) {
            return;
        }
        try {
            for (WebhookDelivery delivery : deliveries.unattempted(job.id())) {
                queue.enqueue(delivery.id(), 1);
            }
        } catch (RuntimeException e) {
            log.warn("Could not queue the webhook of job {} yet; the sweep queues it within minutes", job.id(), e);
        }
    }

    /**
     * Reads a URL a user asked events to go to.
     *
     * @param owner the key submitting the job; anonymous jobs need the server's WEBHOOK_SECRET
     * @throws IllegalArgumentException saying what to fix
     */
    public URI target(String raw, Optional<UUID> owner) {
        URI url = WebhookUrl.parse(raw, "webhook_url");
        if (owner.isEmpty() && !anonymousSecret) {
            throw new IllegalArgumentException("webhook_url needs a signing secret: use an API key (each has its own),"
                    + " or ask the operator to set WEBHOOK_SECRET for anonymous jobs.");
        }
        try {
            guard.check(url);
        } catch (OutboundGuard.RefusedException e) {
            throw new IllegalArgumentException("webhook_url is refused: " + e.getMessage());
        }
        return url;
    }

    /** The job's events and every attempt at each. */
    public List<WebhookDelivery> log(UUID jobId) {
        return deliveries.ofJob(jobId);
    }

    /**
     * Queues one more attempt of the job's event, with the same webhook-id and body.
     *
     * @return false if the job has no such event
     */
    public boolean redeliver(UUID jobId, String deliveryId) {
        Optional<WebhookDelivery> delivery = deliveries.find(deliveryId);
        if (delivery.isEmpty() || !delivery.get().jobId().equals(jobId)) {
            return false;
        }
        queue.redeliver(deliveryId);
        return true;
    }
}
