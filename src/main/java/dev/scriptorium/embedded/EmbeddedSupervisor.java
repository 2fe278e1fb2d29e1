package dev.scriptorium.embedded;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the all-in-one role's embedded servers running: once a second it looks whether each is alive, and when one
 * has exited it starts it again on its data directory, with a growing pause between failed tries (1 s, 2 s, 4 s, up to
 * 30 s), logging what happened. {@link #check} tells {@code /readyz} meanwhile, from the process itself as well as
 * from the loop, so that a probe between two looks sees the crash. Close it before the servers it
 * watches, so that their own stop is not taken for a crash. Thread-safe.
 */
public final class EmbeddedSupervisor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedSupervisor.class);
    private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(30);
    private final List<SupervisedService> services;
    private final Map<SupervisedService, Outage> outages = new ConcurrentHashMap<>();
    private final ScheduledExecutorService executor;
    private volatile boolean closed;

    /** Why a service is down, since when, and when it is tried next. */
    private record Outage(long sinceNanos, int tries, long nextTryNanos, String lastError) {
    }

    public EmbeddedSupervisor(List<SupervisedService> services) {
        this.services = List.copyOf(services);
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "embedded-supervisor");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::look, 1, 1, TimeUnit.SECONDS);
    }

    /** For {@code /readyz}: throws, saying what is being done, while {@code service} is down. */
    public void check(SupervisedService service) {
        Outage outage = outages.get(service);
        if (outage == null && !service.alive()) {
            // The loop looks once a second; a probe right after a crash must not report the server as running.
            throw new IllegalStateException("the embedded " + service.name()
                    + " has exited; it is started again within a second");
        }
        if (outage != null) {
            throw new IllegalStateException("the embedded " + service.name() + " exited "
                    + seconds(System.nanoTime() - outage.sinceNanos()) + " s ago and is being started again ("
                    + outage.tries() + " tries so far" + (outage.lastError() != null ? "; last: "
                    + outage.lastError() : "") + ")");
        }
    }

    private void look() {
        for (SupervisedService service : services) {
            if (closed || ShutdownInProgress.now()) {
                return;
            }
            try {
                supervise(service);
            } catch (RuntimeException e) {
                log.warn("Supervising the embedded {} failed: {}", service.name(), e.toString());
            }
        }
    }

    private void supervise(SupervisedService service) {
        Outage outage = outages.get(service);
        long now = System.nanoTime();
        if (outage == null) {
            if (service.alive()) {
                return;
            }
            log.warn("The embedded {} exited unexpectedly; starting it again on its data directory", service.name());
            outage = new Outage(now, 0, now, null);
            outages.put(service, outage);
        }
        if (now < outage.nextTryNanos()) {
            return;
        }
        int tries = outage.tries() + 1;
        try {
            service.restart();
            outages.remove(service);
            log.info("The embedded {} is running again (pid {}), {} s after it exited, at try {}", service.name(),
                    service.pid().isPresent() ? service.pid().getAsLong() : "unknown",
                    seconds(System.nanoTime() - outage.sinceNanos()), tries);
        } catch (Exception e) {
            Duration pause = pause(tries);
            log.warn("Starting the embedded {} again failed (try {}): {}; next try in {} s", service.name(), tries,
                    e.toString(), pause.toSeconds());
            outages.put(service, new Outage(outage.sinceNanos(), tries, System.nanoTime() + pause.toNanos(),
                    e.getMessage()));
        }
    }

    static Duration pause(int failedTries) {
        long seconds = FIRST_PAUSE.toSeconds() << Math.min(failedTries - 1, 10);
        return Duration.ofSeconds(Math.min(seconds, LONGEST_PAUSE.toSeconds()));
    }

    private static long seconds(long nanos) {
        return Math.round(nanos / 1e9);
    }

    /** Stops watching; the servers themselves are closed by their owner afterwards. */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }
}
