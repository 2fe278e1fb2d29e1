package dev.scriptorium.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /healthz}: the process answers (liveness). {@code /readyz}: every required dependency answers too
 * (readiness); optional ones are reported but do not make it fail.
 */
final class Health {
    private static final Logger log = LoggerFactory.getLogger(Health.class);

    private Health() {
    }

    static void register(RoutesConfig routes, Readiness readiness) {
        routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok")));
        routes.get("/readyz", ctx -> ready(ctx, readiness));
    }

    private static void ready(Context ctx, Readiness readiness) {
        Map<String, String> results = new LinkedHashMap<>();
        boolean ready = true;
        for (Map.Entry<String, ReadinessCheck> check : readiness.required().entrySet()) {
            boolean passed = passes(check);
            ready &= passed;
            results.put(check.getKey(), passed ? "ok" : "unavailable");
        }
        for (Map.Entry<String, ReadinessCheck> check : readiness.optional().entrySet()) {
            results.put(check.getKey(), passes(check) ? "ok" : "degraded");
        }
        ctx.status(ready ? 200 : 503).json(Map.of("status", ready ? "ready" : "not_ready", "checks", results));
    }

    private static boolean passes(Map.Entry<String, ReadinessCheck> check) {
        try {
            check.getValue().check();
            return true;
        } catch (Exception e) {
            log.warn("Readiness check {} failed: {}", check.getKey(), e.toString());
            return false;
        }
    }
}
