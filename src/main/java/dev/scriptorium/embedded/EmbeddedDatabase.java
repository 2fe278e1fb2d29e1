package dev.scriptorium.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An embedded PostgreSQL whose data survives restarts. Durability settings are turned back on: zonky defaults to
 * fsync and synchronous_commit off, which suits tests but not a store users keep their transcripts in. With both on, a
 * server killed outright loses no committed row: {@link #restart} brings it back on the same data directory (crash
 * recovery replays the write-ahead log) and the same port, where the connection pool finds it again. Not
 * thread-safe; start and close it from the composition root, restart it only from its supervisor.
 */
public final class EmbeddedDatabase implements SupervisedService {
    static final String USER = "postgres";
    private static final String DATABASE = "postgres";
    private static final long STOP_SECONDS = 10;
    private final Path directory;
    private final int port;
    private volatile EmbeddedPostgres postgres;

    private EmbeddedDatabase(Path directory, int port, EmbeddedPostgres postgres) {
        this.directory = directory;
        this.port = port;
        this.postgres = postgres;
    }

    public static EmbeddedDatabase start(Path dataDir) throws IOException {
        Path directory = dataDir.resolve("postgres");
        Files.createDirectories(directory.getParent());
        LeftoverProcess.stopIfRunning(directory.resolve("postmaster.pid"), "postgres");
        int port = FreePort.pick();
        return new EmbeddedDatabase(directory, port, launch(directory, port));
    }

    private static EmbeddedPostgres launch(Path directory, int port) throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(directory)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setPort(port)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start();
    }

    public String jdbcUrl() {
        return jdbcUrl(port);
    }

    public String user() {
        return USER;
    }

    /** How serve, and a command beside it, reach the embedded PostgreSQL on {@code port} (as zonky's own URL). */
    static String jdbcUrl(int port) {
        return "jdbc:postgresql://localhost:" + port + "/" + DATABASE + "?user=" + USER;
    }

    @Override
    public String name() {
        return "PostgreSQL";
    }

    @Override
    public OptionalLong pid() {
        return PidFile.liveProcess(directory.resolve("postmaster.pid"), "postgres")
                .map(p -> OptionalLong.of(p.pid())).orElse(OptionalLong.empty());
    }

    /**
     * Releases the old instance's lock on the data directory (its stop of a server that is gone fails, and zonky
     * logs that) and starts a new one there.
     */
    @Override
    public void restart() throws IOException {
        try {
            postgres.close();
        } catch (IOException | RuntimeException alreadyGone) {
            // The server exited by itself; close() still released the data directory's lock.
        }
        postgres = launch(directory, port);
    }

    /**
     * Stops the server (a fast shutdown) and waits until its postmaster has exited, not only until it removed its pid
     * file, so that nothing of serve is left running once serve has exited.
     */
    @Override
    public void close() throws IOException {
        Optional<ProcessHandle> postmaster = PidFile.liveProcess(directory.resolve("postmaster.pid"), "postgres");
        postgres.close();
        postmaster.ifPresent(process -> {
            try {
                if (!Liveness.awaitExit(process, Duration.ofSeconds(STOP_SECONDS))) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }
}
