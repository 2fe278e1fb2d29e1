package dev.scriptorium.serve;

import dev.scriptorium.testing.ExternalServices;
import dev.scriptorium.testing.Readyz;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged jar started as a separate process, as a user starts it, in a directory of its own. */
public final class ServeProcess implements AutoCloseable {
    public static final Path JAR = Path.of("target", "scriptorium.jar").toAbsolutePath();
    private final Process process;
    private final Path log;
    private final Map<String, String> environment;
    private final Duration timeToReady;

    private ServeProcess(Process process, Path log, Map<String, String> environment, Duration timeToReady) {
        this.process = process;
        this.log = log;
        this.environment = Map.copyOf(environment);
        this.timeToReady = timeToReady;
    }

    /** Starts {@code java -jar scriptorium.jar serve} in {@code directory} and waits until /readyz answers 200. */
    public static ServeProcess start(Path directory, Map<String, String> env, String logName) throws Exception {
        return start(directory, env, logName, List.of());
    }

    /**
     * As {@link #start(Path, Map, String)}, as the leader of a process group and session of its own ({@code setsid}),
     * as a service manager runs it: its pid is its group's id, and {@code kill -TERM -PID} signals everything it
     * started at once.
     */
    static ServeProcess startInOwnSession(Path directory, Map<String, String> env, String logName) throws Exception {
        return start(directory, env, logName, List.of("setsid"));
    }

    private static ServeProcess start(Path directory, Map<String, String> env, String logName, List<String> prefix)
            throws Exception {
        Path log = directory.resolve(logName);
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(javaBinary(), "-jar", JAR.toString(), "serve"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        for (String configured : List.of("DATABASE_URL", "S3_ENDPOINT", "REDIS_URL", "WHISPER_MODEL", "DATA_DIR")) {
            environment.remove(configured);
        }
        environment.putAll(ports());
        environment.putAll(env);
        int port = Integer.parseInt(environment.get("HTTP_PORT"));
        long started = System.nanoTime();
        Process process = builder.start();
        Readyz.await(process, "serve", port, log);
        return new ServeProcess(process, log, environment, Duration.ofNanos(System.nanoTime() - started));
    }

    /**
     * Free ports for every listener of serve, so that it runs beside other processes (and other builds' tests) that
     * use the defaults; the JobRunr dashboards take DASHBOARD_PORT and the port after it.
     */
    static Map<String, String> ports() throws IOException {
        return Map.of("HTTP_PORT", String.valueOf(ExternalServices.freePort()),
                "MANAGEMENT_PORT", String.valueOf(ExternalServices.freePort()),
                "DASHBOARD_PORT", String.valueOf(ExternalServices.freePortPair()));
    }

    /** A variable of the environment serve runs with, e.g. the port it was given. */
    String env(String name) {
        return environment.get(name);
    }

    /** Waits until the log contains {@code text} (it is written moments after /readyz answers), then returns it. */
    String awaitLog(String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!log().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("serve's log never said '" + text + "':\n" + log());
            }
            Thread.sleep(100);
        }
        return log();
    }

    long pid() {
        return process.pid();
    }

    /** Waits up to {@code timeout} for the process to exit; true if it did. */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + environment.get("HTTP_PORT"));
    }

    Duration timeToReady() {
        return timeToReady;
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    /** Sends SIGTERM, as a service manager does, and waits for a clean exit. */
    int stop() throws Exception {
        process.destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("serve did not stop within 90 s after SIGTERM:\n" + log());
        }
        return process.exitValue();
    }

    /** The shared libraries mapped into the process, from /proc (Linux). */
    String mappedLibraries() throws IOException {
        return Files.readString(Path.of("/proc", String.valueOf(process.pid()), "maps"));
    }

    /** SIGKILL: the JVM gets no chance to stop its embedded PostgreSQL and Redis. */
    void kill() throws Exception {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            stop();
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
