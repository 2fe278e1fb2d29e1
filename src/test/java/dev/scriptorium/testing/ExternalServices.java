package dev.scriptorium.testing;

import dev.scriptorium.embedded.EmbeddedObjectStore;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

/** What a role started as its own process needs to reach the tests' PostgreSQL, S3 store and Redis. */
public final class ExternalServices {
    private ExternalServices() {
    }

    /** DATABASE_URL and its user, the S3 endpoint and keys, and REDIS_URL; a new, mutable map each time. */
    public static Map<String, String> environment(TestDatabase database, EmbeddedObjectStore s3) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", database.jdbcUrl());
        env.put("DATABASE_USER", database.user());
        env.put("S3_ENDPOINT", s3.settings().endpoint().toString());
        env.put("S3_ACCESS_KEY", s3.settings().accessKey());
        env.put("S3_SECRET_KEY", s3.settings().secretKey());
        env.put("REDIS_URL", TestDatabase.env("TEST_REDIS_URL", "redis://127.0.0.1:6379"));
        return env;
    }

    /** A TCP port that was free a moment ago, for a process about to listen on it. */
    public static int freePort() throws IOException {
        java.util.Random random = new java.util.Random();
        for (int tries = 0; tries < 100; tries++) {
            int port = 20000 + random.nextInt(12000);
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket(port)) {
                return port;
            } catch (IOException taken) {
                // Try another.
            }
        }
        throw new IOException("no free TCP port below the ephemeral range");
    }

    /**
     * Ports this JVM handed out: two calls never give one port, even before the first is bound. Ports come from below
     * Linux's ephemeral range (32768 and up), as {@link #freePortPair} explains: between the test choosing a port and
     * the process binding it, the kernel hands out ephemeral ports (to a serve's embedded PostgreSQL, Redis or S3Proxy,
     * to client sockets), and one of those once took a serve's management port.
     */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * The first of two TCP ports in a row that were free a moment ago: JobRunr's dashboards take such a pair. They are
     * taken below Linux's ephemeral range (32768 and up), so that a port the kernel hands out meanwhile (a serve
     * picking ports for its embedded services, a client's socket) cannot be the second of the pair.
     */
    public static int freePortPair() throws IOException {
        java.util.Random random = new java.util.Random();
        for (int tries = 0; tries < 100; tries++) {
            int first = 20000 + random.nextInt(12000);
            if (!HANDED_OUT.add(first) || !HANDED_OUT.add(first + 1)) {
                continue;
            }
            try (ServerSocket one = new ServerSocket(first); ServerSocket two = new ServerSocket(first + 1)) {
                return first;
            } catch (IOException taken) {
                // Try another.
            }
        }
        throw new IOException("no two free TCP ports in a row");
    }
}
