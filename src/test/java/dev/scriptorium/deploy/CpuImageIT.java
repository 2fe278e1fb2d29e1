package dev.scriptorium.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.embedded.EmbeddedObjectStore;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.ExternalServices;
import dev.scriptorium.testing.Readyz;
import dev.scriptorium.testing.TestDatabase;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestModels;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CPU image's own build and start steps (docker/Dockerfile), run without Docker by {@link ImageReplay}: a fresh
 * Debian root gets the same packages, user and files, and the jar starts there the way the image starts it. Needs
 * root (debootstrap, chroot, mount namespaces) and the network to Debian's mirrors, as CI has.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CpuImageIT {
    private static final Path DOCKERFILE = Path.of("docker/Dockerfile");
    private static final Path WORKSPACE = Path.of("target/image-replay");
    @TempDir
    static Path dir;
    private ImageReplay image;
    private TestDatabase database;
    private EmbeddedObjectStore s3;
    private final List<Process> containers = new ArrayList<>();

    @BeforeAll
    void buildTheImage() throws Exception {
        assumeThat(uid()).as("the replay needs root (debootstrap, chroot, unshare); CI runs as root").isEqualTo(0);
        Files.createDirectories(WORKSPACE);
        deleteOldRoot(WORKSPACE.resolve("root"));
        image = new ImageReplay(DockerfileStage.last(DOCKERFILE), Path.of(""), Path.of("target/scriptorium.jar"),
                WORKSPACE);
        image.build(900);
        database = TestDatabase.create();
        s3 = EmbeddedObjectStore.start(dir.resolve("objects"));
    }

    @AfterAll
    void closeServices() throws Exception {
        if (s3 != null) {
            s3.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @AfterEach
    void stopContainers() throws Exception {
        for (Process container : containers) {
            stop(container);
        }
        containers.clear();
    }

    @Test
    void webStartsAsTheNonRootUserOnAReadOnlyRootAndPassesReadyzAndTheHealthcheck() throws Exception {
        int httpPort = ExternalServices.freePort();
        int managementPort = ExternalServices.freePort();
        Map<String, String> env = ExternalServices.environment(database, s3);
        env.put("HTTP_PORT", String.valueOf(httpPort));
        env.put("MANAGEMENT_PORT", String.valueOf(managementPort));
        env.put("ANONYMOUS_ACCESS", "true");

        Process web = start("web", env, Map.of());
        awaitReady(web, "web", httpPort);

        assertThat(get(managementPort, "/readyz")).isEqualTo(200);
        assertThat(image.healthcheck(env, 30)).as("the HEALTHCHECK command's exit code").isZero();
        ProcessHandle java = javaProcess(web).orElseThrow(() -> new AssertionError("no java process"));
        assertThat(status(java, "Uid")).as("real, effective, saved and fs uid").isEqualTo("10001\t10001\t10001\t10001");
        Path containerRoot = Path.of("/proc", String.valueOf(java.pid()), "root");
        assertThat(containerRoot.resolve("var/lib/scriptorium/tmp")).as("java.io.tmpdir on the data volume")
                .isDirectory();
        assertThat(containerRoot.resolve("var/lib/scriptorium/javacpp")).as("JavaCPP's cache on the data volume")
                .isDirectory();
        assertThatWriteIsRefused(containerRoot.resolve("app/written-at-run-time"));
        ApiClient.Response upload = new ApiClient(URI.create("http://127.0.0.1:" + httpPort))
                .upload(new TestMedia(dir.resolve("media")).wav(), Map.of());
        assertThat(upload.status()).as("an upload staged on the data volume: %s", upload.body()).isEqualTo(202);
    }

    @Test
    void aJobUploadedToWebIsIngestedAndTranscribedBySchedulerAndWorkerContainersOfTheImage() throws Exception {
        Path staging = Files.createDirectories(dir.resolve("staging"));
        Path models = Files.createDirectories(dir.resolve("models"));
        Files.copy(TestModels.syntheticTiny(), models.resolve("ggml-synthetic.bin"));
        chownToImageUser(staging);
        Map<String, Path> sharedStaging = Map.of(DockerfileStage.last(DOCKERFILE).environment().get("STAGING_DIR"),
                staging);

        int httpPort = ExternalServices.freePort();
        Map<String, String> web = ExternalServices.environment(database, s3);
        web.put("HTTP_PORT", String.valueOf(httpPort));
        web.put("MANAGEMENT_PORT", String.valueOf(ExternalServices.freePort()));
        web.put("ANONYMOUS_ACCESS", "true");
        Map<String, String> scheduler = ExternalServices.environment(database, s3);
        int schedulerPort = ExternalServices.freePort();
        scheduler.put("MANAGEMENT_PORT", String.valueOf(schedulerPort));
        scheduler.put("DASHBOARD_PORT", "0");
        Map<String, String> worker = ExternalServices.environment(database, s3);
        int workerPort = ExternalServices.freePort();
        worker.put("MANAGEMENT_PORT", String.valueOf(workerPort));
        worker.put("WHISPER_MODEL", "/models/ggml-synthetic.bin");
        worker.put("WORKER_SLOTS", "1");
        worker.put("WHISPER_THREADS", "2");
        worker.put("WHISPER_TIMESTAMPS", "false");
        worker.put("WHISPER_TEMPERATURE_FALLBACK", "false");

        awaitReady(start("scheduler", scheduler, sharedStaging), "scheduler", schedulerPort);
        // Ready only once a sandboxed child has unpacked whisper.cpp's library and loaded the model.
        awaitReady(start("worker", worker, Map.of("/models", models)), "worker", workerPort);
        awaitReady(start("web", web, sharedStaging), "web", httpPort);
        ApiClient api = new ApiClient(URI.create("http://127.0.0.1:" + httpPort));
        String id = api.upload(new TestMedia(dir.resolve("media")).wav(), Map.of()).json().get("id").asText();
        JsonNode job = api.awaitFinished(id, Duration.ofMinutes(3));

        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
        assertThat(api.get("/api/v1/jobs/" + id + "/transcript?format=txt").status()).isEqualTo(200);
    }

    private Process start(String role, Map<String, String> env, Map<String, Path> binds) throws IOException {
        Process container = image.start(List.of(role), env, binds, WORKSPACE.resolve(role + ".log"));
        containers.add(container);
        return container;
    }

    /**
     * Stops the JVM as `docker stop` would (SIGTERM, then a grace period), then the namespace: the shell that is its
     * PID 1 ignores SIGTERM, and only SIGKILL on unshare takes it and everything in it down.
     */
    private static void stop(Process container) throws InterruptedException {
        List<ProcessHandle> inside = container.descendants().toList();
        javaProcess(container).ifPresent(java -> {
            java.destroy();
            java.onExit().completeOnTimeout(null, 30, TimeUnit.SECONDS).join();
        });
        container.destroyForcibly();
        container.waitFor(30, TimeUnit.SECONDS);
        for (ProcessHandle process : inside) {
            process.onExit().completeOnTimeout(null, 10, TimeUnit.SECONDS).join();
        }
        assertThat(inside.stream().filter(ProcessHandle::isAlive)).as("processes left running").isEmpty();
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

    private static void awaitReady(Process container, String role, int port) throws Exception {
        Readyz.await(container, role, port, WORKSPACE.resolve(role + ".log"));
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

    private void chownToImageUser(Path directory) throws IOException {
        String[] uidAndGid = image.user().split(":");
        Files.setAttribute(directory, "unix:uid", Integer.parseInt(uidAndGid[0]));
        Files.setAttribute(directory, "unix:gid", Integer.parseInt(uidAndGid[1]));
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
}
