package dev.scriptorium.reconcile;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the reconciler at start and then every {@code interval}, on one background thread, until closed. */
public final class ReconcileLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReconcileLoop.class);
    private final ScheduledExecutorService executor;

    public ReconcileLoop(Reconciler reconciler, Duration interval) {
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "reconciler");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(() -> {
            try {
                reconciler.run();
            } catch (RuntimeException e) {
                log.warn("Reconciliation failed; trying again in {} s", interval.toSeconds(), e);
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
