package dev.scriptorium.embedded;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import redis.embedded.RedisServer;

/**
 * An embedded Redis bound to loopback on a free port. Redis holds only caches and notifications here, so it keeps
 * nothing on disk. Supervised: {@link #restart} starts it again on the same port. Not thread-safe; start and close it
 * from the composition root, restart it only from its supervisor.
 */
public final class EmbeddedRedis implements SupervisedService {
    private final RedisServer server;
    private final int port;
    private final Path pidFile;

    private EmbeddedRedis(RedisServer server, int port, Path pidFile) {
        this.server = server;
        this.port = port;
        this.pidFile = pidFile;
    }

    public static EmbeddedRedis start(Path dataDir) throws IOException {
        Path directory = dataDir.resolve("redis");
        Files.createDirectories(directory);
        Path pidFile = directory.resolve("redis.pid");
        LeftoverProcess.stopIfRunning(pidFile, "redis");
        int port = FreePort.pick();
        RedisServer server = RedisServer.newRedisServer()
                .port(port)
                .bind("127.0.0.1")
                .setting("save \"\"")
                .setting("appendonly no")
                .setting("dir " + directory)
                .setting("pidfile " + pidFile)
                .onShutdownForceStop(true)
                .build();
        server.start();
        return new EmbeddedRedis(server, port, pidFile);
    }

    public URI url() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    @Override
    public String name() {
        return "Redis";
    }

    @Override
    public OptionalLong pid() {
        return PidFile.liveProcess(pidFile, "redis").map(p -> OptionalLong.of(p.pid())).orElse(OptionalLong.empty());
    }

    @Override
    public void restart() throws IOException {
        try {
            server.stop();
        } catch (IOException alreadyGone) {
            // The process exited by itself; stop() only clears the handle.
        }
        Files.deleteIfExists(pidFile);
        server.start();
    }

    @Override
    public void close() throws IOException {
        server.stop();
    }
}
