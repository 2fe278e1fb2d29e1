package dev.scriptorium.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scriptorium.outbound.OutboundException;
import dev.scriptorium.outbound.OutboundHttp;
import dev.scriptorium.transcription.TranscriptionJob;
import dev.scriptorium.transcription.TranscriptionJobs;
import dev.scriptorium.web.JobView;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook queue's jobs: one attempt to deliver one event. Steps take ids and can run twice: an attempt whose
 * number was taken already does nothing. A receiver's failure is logged and retried on the schedule, never thrown,
 * so JobRunr's own retries only cover this process's faults (a lost database). Thread-safe.
 */
public final class WebhookStep {
    private static final Logger log = LoggerFactory.getLogger(WebhookStep.class);
    private static final Duration SWEEP_GRACE = Duration.ofMinutes(1);
    private final WebhookDeliveries deliveries;
    private final TranscriptionJobs jobs;
    private final WebhookQueue queue;
    private final OutboundHttp http;
    private final WebhookSettings settings;
    private final ObjectMapper json;
    private final Clock clock;

    public WebhookStep(WebhookDeliveries deliveries, TranscriptionJobs jobs, WebhookQueue queue, OutboundHttp http,
                       WebhookSettings settings, ObjectMapper json, Clock clock) {
        this.deliveries = deliveries;
        this.jobs = jobs;
        this.queue = queue;
        this.http = http;
        this.settings = settings;
        this.json = json;
        this.clock = clock;
    }

    /** Automatic attempt {@code number} (from 1) of the event. */
    public void deliver(String deliveryId, int number) {
        Optional<WebhookDelivery> found = deliveries.find(deliveryId);
        if (found.isEmpty() || !found.get().status().equals(WebhookDelivery.PENDING)
                || found.get().attempts() != number - 1) {
            return;
        }
        WebhookDelivery delivery = found.get();
        WebhookDelivery.Attempt attempt = send(delivery, number, false);
        Optional<Instant> retryAt = number < settings.maxAttempts()
                ? Optional.of(attempt.at().plus(settings.retryDelays().get(number - 1))) : Optional.empty();
        WebhookDeliveries.Outcome outcome = deliveries.recordAttempt(deliveryId, number, attempt, retryAt);
        if (outcome == WebhookDeliveries.Outcome.RETRY) {
            queue.schedule(deliveryId, number + 1, retryAt.get());
        }
        if (outcome == WebhookDeliveries.Outcome.FAILED) {
            log.warn("Webhook {} ({} of job {}) to {} failed {} times; it is not retried again", deliveryId,
                    delivery.type(), delivery.jobId(), delivery.url(), number);
        }
    }

    /** An operator's redelivery: the same event, id and body, once more now. */
    public void redeliver(String deliveryId) {
        Optional<WebhookDelivery> found = deliveries.find(deliveryId);
        if (found.isEmpty()) {
            return;
        }
        deliveries.recordRedelivery(deliveryId, send(found.get(), 0, true));
    }

    /** Queues the attempts of pending events that are overdue: their queue entry was lost with a process. */
    public void sweep() {
        for (WebhookDelivery delivery : deliveries.overdue(clock.instant().minus(SWEEP_GRACE), 500)) {
            queue.ensureEnqueued(delivery.id(), delivery.attempts() + 1);
        }
    }

    private WebhookDelivery.Attempt send(WebhookDelivery delivery, int number, boolean manual) {
        Instant at = clock.instant();
        long started = System.nanoTime();
        Optional<Integer> status = Optional.empty();
        Optional<String> error = Optional.empty();
        try {
            Optional<String> secret = delivery.ownerKey().isPresent() ? deliveries.keySecret(delivery.ownerKey().get())
                    : settings.anonymousSecret();
            if (secret.isEmpty()) {
                error = Optional.of(delivery.ownerKey().isPresent()
                        ? "The job's API key has no webhook secret; give it one with 'keys rotate-webhook-secret NAME'."
                        : "WEBHOOK_SECRET is not set, so events of anonymous jobs cannot be signed.");
            } else {
                String body = payload(delivery);
                long timestamp = clock.instant().getEpochSecond();
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("webhook-id", delivery.id());
                headers.put("webhook-timestamp", Long.toString(timestamp));
                headers.put("webhook-signature", WebhookSignature.sign(secret.get(), delivery.id(), timestamp, body));
                headers.put("User-Agent", "Scriptorium-Webhooks/1");
                status = Optional.of(http.post(delivery.url(), headers, "application/json",
                        body.getBytes(StandardCharsets.UTF_8), settings.timeout()));
            }
        } catch (OutboundException e) {
            error = Optional.of(e.getMessage());
        }
        long latency = (System.nanoTime() - started) / 1_000_000;
        if (status.isEmpty() || status.get() < 200 || status.get() >= 300) {
            log.info("Webhook {} attempt {}{} to {}: {}", delivery.id(), manual ? "(redelivery) " : "", number,
                    delivery.url(), status.map(code -> "answered " + code).orElse(error.orElse("")));
        }
        return new WebhookDelivery.Attempt(number, manual, at, status, error, latency);
    }

    /** {type, timestamp, data: the job as the API shows it}, fixed at the first attempt. */
    private String payload(WebhookDelivery delivery) {
        if (delivery.payload().isPresent()) {
            return delivery.payload().get();
        }
        Optional<TranscriptionJob> job = jobs.find(delivery.jobId());
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", delivery.type());
        event.put("timestamp", delivery.createdAt());
        event.put("data", job.map(found -> JobView.of(found, Optional.empty())).orElse(null));
        try {
            return deliveries.fixPayload(delivery.id(), json.writeValueAsString(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
