package dev.scriptorium.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Waiting for a process under test to answer /readyz with 200, and saying why when it does not. */
public final class Readyz {
    private static final Duration LIMIT = Duration.ofSeconds(180);

    private Readyz() {
    }

    /**
     * Polls {@code http://127.0.0.1:PORT/readyz} until it answers 200. Fails with the process's log if the process
     * exits first or is not ready within 180 s; in that case the process is killed.
     */
    public static void await(Process process, String what, int port, Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest readyz = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(what + " exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                if (http.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        throw new AssertionError(what + " was not ready within " + LIMIT.toSeconds() + " s:\n" + Files.readString(log));
    }
}
