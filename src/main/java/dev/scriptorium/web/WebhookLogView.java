package dev.scriptorium.web;

import dev.scriptorium.webhook.WebhookDelivery;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/** The JSON shape of one event sent to a webhook, and its attempts, in the API and on the admin page. */
record WebhookLogView(String id, String type, URI url, String status, Instant createdAt, Instant nextAttemptAt,
                      Instant deliveredAt, List<AttemptView> attempts) {

    /** {@code manual}: an operator's redelivery. */
    record AttemptView(int attempt, boolean manual, Instant at, Integer statusCode, String error, long latencyMs) {
    }

    static WebhookLogView of(WebhookDelivery delivery) {
        return new WebhookLogView(delivery.id(), delivery.type(), delivery.url(), delivery.status(),
                delivery.createdAt(), delivery.nextAttemptAt().orElse(null), delivery.deliveredAt().orElse(null),
                delivery.log().stream().map(attempt -> new AttemptView(attempt.number(), attempt.manual(),
                        attempt.at(), attempt.statusCode().orElse(null), attempt.error().orElse(null),
                        attempt.latencyMs())).toList());
    }
}
