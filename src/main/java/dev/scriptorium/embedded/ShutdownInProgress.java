package dev.scriptorium.embedded;

/**
 * Whether the JVM has begun to shut down. A service manager signals the whole process group at once, so an embedded
 * server may exit before the shutdown hook has closed its supervisor; that exit must not be answered with a restart.
 */
final class ShutdownInProgress {
    private ShutdownInProgress() {
    }

    static boolean now() {
        Thread probe = new Thread(() -> { });
        try {
            // The JVM refuses new hooks once shutdown has begun.
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException shuttingDown) {
            return true;
        }
    }
}
