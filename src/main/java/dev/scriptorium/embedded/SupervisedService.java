package dev.scriptorium.embedded;

import java.util.OptionalLong;

/** An embedded server process that {@link EmbeddedSupervisor} watches and starts again when it exits. */
public interface SupervisedService extends AutoCloseable {
    /** For the log and {@code /readyz}: "PostgreSQL", "Redis". */
    String name();

    /** The pid of the running server process; empty while it is down. Cheap: called every second. */
    OptionalLong pid();

    default boolean alive() {
        return pid().isPresent();
    }

    /** Starts the server again on its data directory and port, after it exited; throws if it does not come up. */
    void restart() throws Exception;
}
