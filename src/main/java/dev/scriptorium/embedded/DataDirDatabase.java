package dev.scriptorium.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The embedded PostgreSQL that serve keeps in DATA_DIR, reached from a command run beside it (keys): the server of
 * the serve running there, or, while none runs, one started on the same data for the command alone and stopped by
 * {@link #close}. Either way the command sees the data serve sees. Not thread-safe.
 */
public final class DataDirDatabase implements AutoCloseable {
    private final String jdbcUrl;
    private final EmbeddedDatabase startedHere;

    private DataDirDatabase(String jdbcUrl, EmbeddedDatabase startedHere) {
        this.jdbcUrl = jdbcUrl;
        this.startedHere = startedHere;
    }

    /**
     * @return empty if serve has never created its database in {@code dataDir}
     * @throws IOException if the database is there but its server could not be started
     */
    public static Optional<DataDirDatabase> open(Path dataDir) throws IOException {
        Path directory = dataDir.resolve("postgres");
        if (!Files.isRegularFile(directory.resolve("PG_VERSION"))) {
            return Optional.empty();
        }
        Path pidFile = directory.resolve("postmaster.pid");
        Optional<Long> running = PidFile.liveProcess(pidFile, "postgres")
                .flatMap(process -> PidFile.number(pidFile, 4));
        if (running.isPresent()) {
            return Optional.of(new DataDirDatabase(EmbeddedDatabase.jdbcUrl(running.get().intValue()), null));
        }
        EmbeddedDatabase started = EmbeddedDatabase.start(dataDir);
        return Optional.of(new DataDirDatabase(started.jdbcUrl(), started));
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String user() {
        return EmbeddedDatabase.USER;
    }

    /** Whether the server was started for this command, serve not running. */
    public boolean startedHere() {
        return startedHere != null;
    }

    /** Stops the server if it was started for this command; a serve's own server is left alone. */
    @Override
    public void close() throws IOException {
        if (startedHere != null) {
            startedHere.close();
        }
    }
}
