package dev.scriptorium.embedded;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import redis.embedded.RedisServer;

/**
 * An embedded Redis bound to loopback on a free port. Redis holds only caches and notifications here, so it keeps
 * nothing on disk. Not thread-safe; start and close it from the composition root.
 */
public final class EmbeddedRedis implements AutoCloseable {
    private final RedisServer server;
    private final int port;

    private EmbeddedRedis(RedisServer server, int port) {
        this.server = server;
        this.port = port;
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
        return new EmbeddedRedis(server, port);
    }

    public URI url() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    @Override
    public void close() throws IOException {
        server.stop();
    }
}
