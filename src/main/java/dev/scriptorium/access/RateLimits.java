package dev.scriptorium.access;

import java.time.Instant;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;

/**
 * Per-client request budgets per minute, counted in Redis so that every web node shares them (a fixed one-minute
 * window: INCR, expiring with the window). Redis unreachable means no limit rather than no service. Thread-safe.
 */
public final class RateLimits {
    private static final Logger log = LoggerFactory.getLogger(RateLimits.class);
    private final RedisClient redis;
    private final int uploadsPerMinute;
    private final int requestsPerMinute;

    /** A limit of 0 turns that limit off. */
    public RateLimits(RedisClient redis, int uploadsPerMinute, int requestsPerMinute) {
        this.redis = redis;
        this.uploadsPerMinute = uploadsPerMinute;
        this.requestsPerMinute = requestsPerMinute;
    }

    /** @return seconds until the client may try again, if it is over the limit now */
    public OptionalLong upload(String client) {
        return take("uploads", client, uploadsPerMinute);
    }

    public OptionalLong request(String client) {
        return take("api", client, requestsPerMinute);
    }

    private OptionalLong take(String bucket, String client, int limit) {
        if (limit <= 0) {
            return OptionalLong.empty();
        }
        long now = Instant.now().getEpochSecond();
        long window = now / 60;
        String key = "scriptorium:rate:" + bucket + ":" + client + ":" + window;
        try {
            long used = redis.incr(key);
            if (used == 1) {
                redis.expire(key, 61);
            }
            return used > limit ? OptionalLong.of(Math.max(1, (window + 1) * 60 - now)) : OptionalLong.empty();
        } catch (RuntimeException e) {
            log.debug("Rate limit not checked, Redis unavailable: {}", e.toString());
            return OptionalLong.empty();
        }
    }
}
