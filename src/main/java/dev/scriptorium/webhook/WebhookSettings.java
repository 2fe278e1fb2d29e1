package dev.scriptorium.webhook;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How job events are delivered.
 *
 * @param anonymousSecret the {@code whsec_} secret that signs the events of anonymous jobs (serve without keys)
 * @param retryDelays     the wait after each failed attempt; one attempt more than there are delays
 * @param timeout         how long a receiver has to answer
 * @param workers         deliveries in flight at once, per process that runs the webhook queue
 */
public record WebhookSettings(Optional<String> anonymousSecret, List<Duration> retryDelays, Duration timeout,
                              int workers) {
    /** 7 attempts over 9 h 36 min: quick retries for a blip, then hours for an outage. */
    public static final List<Duration> DEFAULT_RETRY_DELAYS = List.of(Duration.ofSeconds(5), Duration.ofMinutes(1),
            Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(7));

    public WebhookSettings {
        retryDelays = List.copyOf(retryDelays);
    }

    public static WebhookSettings defaults() {
        return new WebhookSettings(Optional.empty(), DEFAULT_RETRY_DELAYS, Duration.ofSeconds(10), 4);
    }

    public int maxAttempts() {
        return retryDelays.size() + 1;
    }
}
