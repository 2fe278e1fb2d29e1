package dev.scriptorium.web;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code /readyz} checks, in the order it reports them. A required dependency that fails takes the process out
 * of service (503); an optional one only shows as {@code degraded}, because the process still serves correctly
 * without it (Redis: the status cache and bus fall back to PostgreSQL), and a load balancer must not drop every
 * replica when it blips.
 */
public record Readiness(Map<String, ReadinessCheck> required, Map<String, ReadinessCheck> optional) {
    public Readiness {
        required = Collections.unmodifiableMap(new LinkedHashMap<>(required));
        optional = Collections.unmodifiableMap(new LinkedHashMap<>(optional));
    }

    public static Readiness none() {
        return new Readiness(Map.of(), Map.of());
    }

    public Readiness withRequired(String name, ReadinessCheck check) {
        return new Readiness(with(required, name, check), optional);
    }

    public Readiness withOptional(String name, ReadinessCheck check) {
        return new Readiness(required, with(optional, name, check));
    }

    private static Map<String, ReadinessCheck> with(Map<String, ReadinessCheck> checks, String name,
                                                    ReadinessCheck check) {
        Map<String, ReadinessCheck> more = new LinkedHashMap<>(checks);
        more.put(name, check);
        return more;
    }
}
