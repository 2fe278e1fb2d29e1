package dev.scriptorium.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.scriptorium.embedded.EmbeddedObjectStore;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.TestDatabase;
import dev.scriptorium.testing.TestMedia;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CPU image's own build and start steps (docker/Dockerfile), run without Docker by {@link ImageReplay}: a fresh
 * Debian root gets the same packages, user and files, and the jar starts there as {@code web} the way the image
 * starts it. Needs root (debootstrap, chroot, mount namespaces) and the network to Debian's mirrors, as CI has.
 */
class CpuImageIT {
    private static final Path DOCKERFILE = Path.of("docker/Dockerfile");
    @TempDir
    Path dir;

    @Test
    void theImagesStepsBuildAFreshDebianRootWhereWebStartsAsNonRootOnAReadOnlyRootAndPassesReadyz()
            throws Exception {
        assumeThat(uid()).as("the replay needs root (debootstrap, chroot, unshare); CI runs as root").isEqualTo(0);
        DockerfileStage runtime = DockerfileStage.last(DOCKERFILE);
        Path workspace = Files.createDirectories(Path.of("target/image-replay"));
        deleteOldRoot(workspace.resolve("root"));
        ImageReplay image = new ImageReplay(runtime, Path.of(""), Path.of("target/scriptorium.jar"), workspace);
        image.build(900);

        try (TestDatabase database = TestDatabase.create();
             EmbeddedObjectStore s3 = EmbeddedObjectStore.start(dir.resolve("objects"))) {
            int httpPort = freePort();
            int managementPort = freePort();
            Map<String, String> env = new HashMap<>();
            env.put("DATABASE_URL", database.jdbcUrl());
            env.put("DATABASE_USER", database.user());
            env.put("S3_ENDPOINT", s3.settings().endpoint().toString());
            env.put("S3_ACCESS_KEY", s3.settings().accessKey());
            env.put("S3_SECRET_KEY", s3.settings().secretKey());
            env.put("REDIS_URL", TestDatabase.env("TEST_REDIS_URL", "redis://127.0.0.1:6379"));
            env.put("HTTP_PORT", String.valueOf(httpPort));
            env.put("MANAGEMENT_PORT", String.valueOf(managementPort));
            env.put("ANONYMOUS_ACCESS", "true");
            Path log = workspace.resolve("web.log");
            Process container = image.start(List.of("web"), env, log);
            try {
                awaitReady(container, log, httpPort);
                assertThat(get(managementPort, "/readyz")).isEqualTo(200);
                assertThat(image.healthcheck(env, 30)).as("the HEALTHCHECK command's exit code").isZero();

                ProcessHandle java = javaProcess(container).orElseThrow(() -> new AssertionError("no java process"));
                assertThat(status(java, "Uid")).as("real, effective, saved and fs uid").isEqualTo(
                        "10001\t10001\t10001\t10001");
                Path containerRoot = Path.of("/proc", String.valueOf(java.pid()), "root");
                assertThat(Files.isDirectory(containerRoot.resolve("var/lib/scriptorium/tmp")))
                        .as("java.io.tmpdir made on the data volume").isTrue();
                assertThat(Files.isDirectory(containerRoot.resolve("var/lib/scriptorium/javacpp")))
                        .as("JavaCPP's cache dir made on the data volume").isTrue();
                assertThatWriteIsRefused(containerRoot.resolve("app/written-at-run-time"));

                ApiClient api = new ApiClient(URI.create("http://127.0.0.1:" + httpPort));
                ApiClient.Response upload = api.upload(new TestMedia(dir.resolve("media")).wav(), Map.of());
                assertThat(upload.status()).as("an upload staged on the data volume: %s", upload.body())
                        .isEqualTo(202);
            } finally {
                container.destroy();
                container.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static void assertThatWriteIsRefused(Path file) {
        try {
            Files.writeString(file, "x");
            throw new AssertionError("the image's root filesystem accepted a write to " + file);
        } catch (AccessDeniedException e) {
            throw new AssertionError("expected a read-only filesystem, got permission denied", e);
        } catch (FileSystemException e) {
            assertThat(e.getMessage()).contains("Read-only file system");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void awaitReady(Process container, Path log, int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            if (!container.isAlive()) {
                throw new AssertionError("web exited with " + container.exitValue() + ":\n" + ImageReplay.tail(log));
            }
            try {
                if (get(port, "/readyz") == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            Thread.sleep(250);
        }
        throw new AssertionError("web was not ready within 180 s:\n" + ImageReplay.tail(log));
    }

    private static int get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static Optional<ProcessHandle> javaProcess(Process container) {
        return container.descendants().filter(process -> process.info().command().orElse("").endsWith("/java"))
                .findFirst();
    }

    private static String status(ProcessHandle process, String field) throws IOException {
        return Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status")).stream()
                .filter(line -> line.startsWith(field + ":")).findFirst().orElseThrow()
                .substring(field.length() + 1).strip();
    }

    private static long uid() throws IOException {
        return Long.parseLong(status(ProcessHandle.current(), "Uid").split("\\s+")[0]);
    }

    private static void deleteOldRoot(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        // Mounts only ever exist inside the replay's private namespaces, so this never reaches host directories.
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
