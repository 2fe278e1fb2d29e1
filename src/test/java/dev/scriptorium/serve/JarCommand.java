package dev.scriptorium.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The packaged jar run to its end, as a user runs a tool ({@code keys}, {@code models}) or a role that refuses to
 * start: in a directory of its own, on serve's defaults (no external services configured).
 */
final class JarCommand {
    private JarCommand() {
    }

    record Result(int status, String output) {
        /** The lines that look like a Java stack trace or a logged exception. */
        List<String> stackTraceLines() {
            return output.lines().filter(line -> line.startsWith("\tat ") || line.startsWith("Caused by:")
                    || line.matches("^[a-z][\\w.]*\\.[A-Z]\\w*(Exception|Error)\\b.*")).toList();
        }
    }

    /** Runs the jar with {@code args} in {@code directory}; fails if it has not exited within {@code limit}. */
    static Result run(Path directory, Map<String, String> env, Duration limit, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", ServeProcess.JAR.toString()));
        command.addAll(List.of(args));
        Path output = Files.createTempFile(directory, "command", ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        for (String configured : List.of("DATABASE_URL", "S3_ENDPOINT", "REDIS_URL", "WHISPER_MODEL", "DATA_DIR")) {
            builder.environment().remove(configured);
        }
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError(String.join(" ", args) + " did not end within " + limit.toSeconds() + " s:\n"
                    + Files.readString(output));
        }
        return new Result(process.exitValue(), Files.readString(output));
    }

    /**
     * Processes that run in {@code directory} or name it on their command line: what an embedded PostgreSQL or Redis
     * started there would be, if it were left running.
     */
    static List<String> processesUnder(Path directory) throws IOException {
        String path = directory.toRealPath().toString();
        List<String> found = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path entry : entries.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String commandLine = Files.readString(entry.resolve("cmdline")).replace('\0', ' ');
                    String cwd = Files.readSymbolicLink(entry.resolve("cwd")).toString();
                    if (commandLine.contains(path) || cwd.startsWith(path)) {
                        found.add(entry.getFileName() + ": " + commandLine);
                    }
                } catch (IOException | RuntimeException gone) {
                    // Exited meanwhile, or not ours to read.
                }
            }
        }
        return found;
    }
}
