package dev.scriptorium.web;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code /readyz} checks. A required dependency that fails takes the process out of service (503); an optional
 * one only shows as {@code degraded}, because the process still serves correctly without it (Redis: the status cache
 * and bus fall back to PostgreSQL), and a load balancer must not drop every replica when it blips.
 */
public record Readiness(Map<String, ReadinessCheck> required, Map<String, ReadinessCheck> optional) {
    public Readiness {
        required = new LinkedHashMap<>(required);
        optional = new LinkedHashMap<>(optional);
    }

    public Readiness withRequired(String name, ReadinessCheck check) {
        Map<String, ReadinessCheck> more = new LinkedHashMap<>(required);
        more.put(name, check);
        return new Readiness(more, optional);
    }
}
