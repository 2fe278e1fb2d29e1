package dev.scriptorium.app;

/** A configuration value that cannot be used; the message names the environment variable. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
