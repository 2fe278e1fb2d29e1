package dev.scriptorium.roles;

import dev.scriptorium.testing.ExternalServices;
import dev.scriptorium.testing.Readyz;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One role of the packaged jar started as its own process, waited for until its /readyz answers 200. */
final class RoleProcess implements AutoCloseable {
    private static final Path JAR = Path.of("target", "scriptorium.jar").toAbsolutePath();
    private final String role;
    private final Process process;
    private final Path log;
    private final int port;

    private RoleProcess(String role, Process process, Path log, int port) {
        this.role = role;
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * @param portVariable the variable that sets the port /readyz is served on: HTTP_PORT for web, MANAGEMENT_PORT
     *                     for the others
     */
    static RoleProcess start(String role, Path directory, Map<String, String> env, String portVariable)
            throws Exception {
        return start(role, directory, env, portVariable, List.of(), role + ".log");
    }

    /**
     * As {@link #start(String, Path, Map, String)}, as the leader of a process group and session of its own
     * ({@code setsid}), as a service manager runs it: {@code kill -TERM -PID} signals it and its children at once.
     */
    static RoleProcess startInOwnSession(String role, Path directory, Map<String, String> env, String portVariable,
                                         String logName) throws Exception {
        return start(role, directory, env, portVariable, List.of("setsid"), logName);
    }

    private static RoleProcess start(String role, Path directory, Map<String, String> env, String portVariable,
                                     List<String> prefix, String logName) throws Exception {
        int port = ExternalServices.freePort();
        Path log = directory.resolve(logName);
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                JAR.toString(), role));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.put("PATH", System.getenv("PATH"));
        environment.put("HOME", System.getenv().getOrDefault("HOME", directory.toString()));
        Map<String, String> all = new HashMap<>(env);
        all.put(portVariable, String.valueOf(port));
        if (!portVariable.equals("MANAGEMENT_PORT")) {
            all.putIfAbsent("MANAGEMENT_PORT", String.valueOf(ExternalServices.freePort()));
        }
        environment.putAll(all);
        Process process = builder.start();
        Readyz.await(process, role, port, log);
        return new RoleProcess(role, process, log, port);
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port);
    }

    long pid() {
        return process.pid();
    }

    /** Waits up to {@code timeout} for the process to exit; true if it did. */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    /** The shared libraries mapped into the process, from /proc (Linux). */
    String mappedLibraries() throws IOException {
        return Files.readString(Path.of("/proc", String.valueOf(process.pid()), "maps"));
    }

    /** Processes this one started (a worker's sandboxed children). */
    long children() {
        return process.descendants().count();
    }

    @Override
    public void close() throws Exception {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(role + " did not stop within 60 s after SIGTERM:\n" + log());
        }
    }
}
