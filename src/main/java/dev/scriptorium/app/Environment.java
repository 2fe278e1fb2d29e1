package dev.scriptorium.app;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Typed reads of environment variables; every error names the variable so start-up failures are actionable. */
final class Environment {
    private final Map<String, String> variables;

    Environment(Map<String, String> variables) {
        this.variables = variables;
    }

    Optional<String> optional(String name) {
        String value = variables.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    String string(String name, String fallback) {
        return optional(name).orElse(fallback);
    }

    Path path(String name, Path fallback) {
        return optional(name).map(Path::of).orElse(fallback);
    }

    int integer(String name, int fallback, int min, int max) {
        long value = longValue(name, fallback, min, max);
        return (int) value;
    }

    long longValue(String name, long fallback, long min, long max) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(raw.get());
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a whole number, but is '" + raw.get() + "'");
        }
        if (value < min || value > max) {
            throw new ConfigException(name + " must be between " + min + " and " + max + ", but is " + value);
        }
        return value;
    }

    double decimal(String name, double fallback, double min, double max) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        double value;
        try {
            value = Double.parseDouble(raw.get());
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a number such as 0.5, but is '" + raw.get() + "'");
        }
        if (!(value >= min && value <= max)) {
            throw new ConfigException(name + " must be between " + min + " and " + max + ", but is " + raw.get());
        }
        return value;
    }

    boolean bool(String name, boolean fallback) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        switch (raw.get().toLowerCase()) {
            case "true": case "yes": case "1": case "on": return true;
            case "false": case "no": case "0": case "off": return false;
            default: throw new ConfigException(name + " must be true or false, but is '" + raw.get() + "'");
        }
    }

    Optional<URI> uri(String name, String... schemes) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = URI.create(raw.get());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name + " is not a valid URL: '" + raw.get() + "'");
        }
        for (String scheme : schemes) {
            if (scheme.equalsIgnoreCase(uri.getScheme())) {
                return Optional.of(uri);
            }
        }
        throw new ConfigException(name + " must start with " + String.join(":// or ", schemes) + "://, but is '"
                + raw.get() + "'");
    }
}
