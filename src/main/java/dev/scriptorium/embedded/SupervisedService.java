package dev.scriptorium.embedded;

import java.util.OptionalLong;

/** An embedded server process that {@link EmbeddedSupervisor} watches and starts again when it exits. */
public interface SupervisedService extends AutoCloseable {
    /** For the log and {@code /readyz}: "PostgreSQL", "Redis". */
    String name();

    /** Whether the server's process is running; cheap, called every second. */
    boolean alive();

    /**
     * The pid of the running server process, if known: for the log, and for tests that kill it. Empty while it is
     * down.
     */
    OptionalLong pid();

    /** Starts the server again on its data directory and port, after it exited; throws if it does not come up. */
    void restart() throws Exception;
}
