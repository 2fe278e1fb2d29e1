package dev.scriptorium.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /healthz}: the process answers. {@code /readyz}: every dependency it needs answers too. */
final class Health {
    private static final Logger log = LoggerFactory.getLogger(Health.class);

    private Health() {
    }

    static void register(RoutesConfig routes, Map<String, ReadinessCheck> readiness) {
        routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok")));
        routes.get("/readyz", ctx -> ready(ctx, readiness));
    }

    private static void ready(Context ctx, Map<String, ReadinessCheck> checks) {
        Map<String, String> results = new LinkedHashMap<>();
        boolean ready = true;
        for (Map.Entry<String, ReadinessCheck> check : checks.entrySet()) {
            try {
                check.getValue().check();
                results.put(check.getKey(), "ok");
            } catch (Exception e) {
                ready = false;
                results.put(check.getKey(), "unavailable");
                log.warn("Readiness check {} failed: {}", check.getKey(), e.toString());
            }
        }
        ctx.status(ready ? 200 : 503).json(Map.of("status", ready ? "ready" : "not_ready", "checks", results));
    }
}
