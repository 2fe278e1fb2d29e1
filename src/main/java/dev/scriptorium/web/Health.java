package dev.scriptorium.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /healthz}: the process answers (liveness). {@code /readyz}: every required dependency answers too
 * (readiness); optional ones are reported but do not make it fail. Each check has a few seconds: a database that is
 * down makes the connection pool wait much longer for a connection, and a probe must still get its answer. Why a
 * check failed is in {@code details}.
 */
final class Health {
    private static final Logger log = LoggerFactory.getLogger(Health.class);
    private static final long CHECK_SECONDS = 3;

    private Health() {
    }

    static void register(RoutesConfig routes, Readiness readiness) {
        // Daemon threads that end when idle: a check stuck on a dead dependency must not hold up the JVM's exit.
        ExecutorService checks = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "readiness-check");
            thread.setDaemon(true);
            return thread;
        });
        routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok")));
        routes.get("/readyz", ctx -> ready(ctx, readiness, checks));
    }

    private static void ready(Context ctx, Readiness readiness, ExecutorService checks) {
        Map<String, CompletableFuture<Void>> running = new LinkedHashMap<>();
        readiness.required().forEach((name, check) -> running.put(name, start(check, checks)));
        readiness.optional().forEach((name, check) -> running.put(name, start(check, checks)));
        Map<String, String> results = new LinkedHashMap<>();
        Map<String, String> details = new LinkedHashMap<>();
        boolean ready = true;
        for (Map.Entry<String, CompletableFuture<Void>> check : running.entrySet()) {
            String failure = failure(check.getKey(), check.getValue());
            boolean required = readiness.required().containsKey(check.getKey());
            ready &= failure == null || !required;
            results.put(check.getKey(), failure == null ? "ok" : required ? "unavailable" : "degraded");
            if (failure != null) {
                details.put(check.getKey(), failure);
            }
        }
        ctx.status(ready ? 200 : 503).json(Map.of("status", ready ? "ready" : "not_ready", "checks", results,
                "details", details));
    }

    private static CompletableFuture<Void> start(ReadinessCheck check, ExecutorService checks) {
        return CompletableFuture.runAsync(() -> {
            try {
                check.check();
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage() != null ? e.getMessage() : e.toString(), e);
            }
        }, checks);
    }

    /** Why the check failed, or null if it passed. */
    private static String failure(String name, CompletableFuture<Void> check) {
        String failure;
        try {
            check.get(CHECK_SECONDS, TimeUnit.SECONDS);
            return null;
        } catch (TimeoutException e) {
            failure = "no answer within " + CHECK_SECONDS + " s";
        } catch (ExecutionException e) {
            failure = e.getCause().getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted";
        }
        log.warn("Readiness check {} failed: {}", name, failure);
        return failure;
    }
}
