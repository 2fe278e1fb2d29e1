package dev.scriptorium.web;

import dev.scriptorium.status.JobEvents;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.RedisClient;

/**
 * Hands this web node's long polls and event streams every job change the moment any node publishes it: one
 * pattern subscription to every job's channel, on one thread, re-established whenever Redis comes back. Listeners
 * also look on their own once a second, so that without Redis everything still works, a little later.
 * Thread-safe; close it once, from the composition root.
 */
final class JobChangeFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobChangeFeed.class);
    private final ConcurrentHashMap<UUID, List<Consumer<String>>> listeners =
            new ConcurrentHashMap<>();
    private final RedisClient redis;
    private final Thread subscriber;
    private volatile JedisPubSub subscription;
    private volatile boolean closed;

    JobChangeFeed(RedisClient redis) {
        this.redis = redis;
        this.subscriber = new Thread(this::subscribe, "job-change-feed");
        this.subscriber.setDaemon(true);
        this.subscriber.start();
    }

    /**
     * Hands every message published for the job to {@code listener}, in order, until the returned registration is
     * closed. Messages only come while Redis is reachable.
     */
    AutoCloseable listen(UUID id, Consumer<String> listener) {
        listeners.computeIfAbsent(id, key -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> listeners.computeIfPresent(id, (key, current) -> {
            current.remove(listener);
            return current.isEmpty() ? null : current;
        });
    }

    /** Whether the subscription is up now, so that messages will arrive. */
    boolean connected() {
        JedisPubSub current = subscription;
        return current != null && current.isSubscribed();
    }

    private void subscribe() {
        while (!closed) {
            JedisPubSub pubSub = new JedisPubSub() {
                @Override
                public void onPMessage(String pattern, String channel, String message) {
                    deliver(channel, message);
                }
            };
            subscription = pubSub;
            try {
                redis.psubscribe(pubSub, JobEvents.CHANNEL_PATTERN);
            } catch (RuntimeException e) {
                if (!closed) {
                    log.debug("Job change feed lost Redis ({}); waiters fall back to polling", e.toString());
                }
            }
            if (!closed) {
                try {
                    TimeUnit.SECONDS.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void deliver(String channel, String message) {
        try {
            UUID id = UUID.fromString(channel.substring(channel.lastIndexOf(':') + 1));
            for (Consumer<String> listener : listeners.getOrDefault(id, List.of())) {
                listener.accept(message);
            }
        } catch (IllegalArgumentException ignored) {
            // Not a job channel.
        }
    }

    @Override
    public void close() {
        closed = true;
        JedisPubSub current = subscription;
        if (current != null && current.isSubscribed()) {
            try {
                current.punsubscribe();
            } catch (RuntimeException ignored) {
                // Redis is gone anyway.
            }
        }
        subscriber.interrupt();
    }
}
