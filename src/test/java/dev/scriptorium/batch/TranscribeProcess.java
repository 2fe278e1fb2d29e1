package dev.scriptorium.batch;

import dev.scriptorium.serve.ServeProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar scriptorium.jar transcribe ...} run as a user runs it, in a directory of its own, its stdout and
 * stderr in files (so never on a terminal: the plain-line output). SIGINT reaches it as Ctrl-C does: {@code env
 * --default-signal=INT} undoes the "ignore SIGINT" that a background build may hand down, under which a JVM could not
 * take the signal at all.
 */
final class TranscribeProcess implements AutoCloseable {
    /** Settings of the test machine's shell that must not reach the command. */
    private static final List<String> UNSET = List.of("SCRIPTORIUM_URL", "SCRIPTORIUM_API_KEY", "DATABASE_URL",
            "S3_ENDPOINT", "REDIS_URL", "WHISPER_MODEL", "DATA_DIR");
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private TranscribeProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static TranscribeProcess start(Path directory, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", ServeProcess.JAR.toString(),
                "transcribe"));
        command.addAll(List.of(args));
        Path stdout = Files.createTempFile(directory, "transcribe", ".out");
        Path stderr = Files.createTempFile(directory, "transcribe", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        UNSET.forEach(builder.environment()::remove);
        builder.environment().putAll(env);
        return new TranscribeProcess(builder.start(), stdout, stderr);
    }

    /** Runs it to its end; fails if it has not ended within {@code limit}. */
    static TranscribeProcess run(Path directory, Map<String, String> env, Duration limit, String... args)
            throws Exception {
        TranscribeProcess run = start(directory, env, args);
        run.awaitExit(limit);
        return run;
    }

    long pid() {
        return process.pid();
    }

    int awaitExit(Duration limit) throws Exception {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("transcribe did not end within " + limit.toSeconds() + " s:\n" + output()
                    + "\n" + errors());
        }
        return process.exitValue();
    }

    int status() {
        return process.exitValue();
    }

    /** Waits until stdout contains {@code text}. */
    void awaitOutput(String text, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!output().contains(text)) {
            if (System.nanoTime() > deadline || !process.isAlive() && !output().contains(text)) {
                throw new AssertionError("transcribe never printed '" + text + "':\n" + output() + "\n" + errors());
            }
            Thread.sleep(100);
        }
    }

    String output() throws IOException {
        return Files.readString(stdout);
    }

    String errors() throws IOException {
        return Files.readString(stderr);
    }

    /** What a person reads when it goes wrong: both streams. */
    String shown() throws IOException {
        return "stdout:\n" + output() + "\nstderr:\n" + errors();
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
