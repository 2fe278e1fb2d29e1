package dev.scriptorium.deploy;

import dev.scriptorium.deploy.DockerfileStage.Instruction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Replays the runtime stage of a Dockerfile without a container engine, as root on a Debian host:
 * <ul>
 *   <li>{@code FROM debian:bookworm-slim} becomes {@code debootstrap --variant=minbase bookworm} into a fresh
 *       directory, the closest a Debian host gets to that image without a registry;</li>
 *   <li>each {@code RUN} runs in that root through {@code chroot}, with the stage's ARG and ENV values, its WORKDIR
 *       and its USER, as Docker's {@code /bin/sh -c} would;</li>
 *   <li>each {@code COPY} copies the same files from the build context, root-owned with their modes kept, and
 *       {@code COPY --from=jar} takes the jar that {@code mvn package} built (the jar stage's only output);</li>
 *   <li>{@link #start} runs the ENTRYPOINT as the image's USER, in its WORKDIR, with its ENV, on a read-only bind of
 *       the root with a tmpfs on each VOLUME (what {@code docker run --read-only} gives), in a mount and PID
 *       namespace of its own that dies with the returned process.</li>
 * </ul>
 * Mounts happen only inside private mount namespaces ({@code unshare -m}), so nothing is left mounted on the host.
 * Each generated script is kept beside the root for reading.
 */
final class ImageReplay {
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private final DockerfileStage stage;
    private final Path context;
    private final Path jar;
    private final Path workspace;
    private final Path root;

    ImageReplay(DockerfileStage stage, Path context, Path jar, Path workspace) {
        this.stage = stage;
        this.context = context;
        this.jar = jar;
        this.workspace = workspace;
        this.root = workspace.resolve("root");
    }

    /** Builds the root; throws with the log's tail if any step fails. The log stays beside the root. */
    void build(long timeoutSeconds) throws Exception {
        if (!stage.base().equals("debian:bookworm-slim")) {
            throw new IllegalStateException("The replay makes debian:bookworm-slim only, not " + stage.base());
        }
        List<String> script = new ArrayList<>(List.of("set -euo pipefail", "root=" + quote(root.toString()),
                "debootstrap --variant=minbase bookworm \"$root\"",
                // Docker gives every RUN the host's resolver configuration too.
                "cp /etc/resolv.conf \"$root/etc/resolv.conf\"",
                "mount -t proc proc \"$root/proc\"",
                "mount --rbind /dev \"$root/dev\""));
        Map<String, String> env = new LinkedHashMap<>();
        String user = "0:0";
        String workdir = "/";
        for (Instruction instruction : stage.instructions()) {
            switch (instruction.keyword()) {
                case "ARG" -> {
                    String[] nameAndValue = instruction.arguments().split("=", 2);
                    env.put(nameAndValue[0], nameAndValue.length > 1 ? nameAndValue[1] : "");
                }
                case "ENV" -> env.putAll(DockerfileStage.assignments(instruction, env));
                case "RUN" -> script.add(inRoot(user, workdir, env, List.of("/bin/sh", "-c",
                        instruction.arguments())));
                case "COPY" -> script.addAll(copy(instruction));
                case "WORKDIR" -> {
                    workdir = instruction.arguments();
                    script.add("mkdir -p \"$root\"" + quote(workdir));
                }
                case "USER" -> user = numericUser(instruction.arguments());
                case "LABEL", "VOLUME", "EXPOSE", "HEALTHCHECK", "ENTRYPOINT", "CMD" -> {
                    // Metadata: used by start() and by the tests, not at build time.
                }
                default -> throw new IllegalStateException("The replay does not know " + instruction.keyword());
            }
        }
        run("build.sh", script, timeoutSeconds);
    }

    /**
     * Starts the image's ENTRYPOINT with {@code arguments} (the CMD); {@code runtimeEnv} adds to the image's ENV, and
     * {@code binds} mounts host directories (value) at container paths (key) over the volumes, as
     * {@code docker run -v} or a Kubernetes volume would.
     */
    Process start(List<String> arguments, Map<String, String> runtimeEnv, Map<String, Path> binds, Path log)
            throws IOException {
        List<String> script = new ArrayList<>(List.of("set -euo pipefail", "root=" + quote(root.toString()),
                "mount --bind \"$root\" \"$root\"",
                "mount -o remount,bind,ro \"$root\"",
                "mount -t proc proc \"$root/proc\"",
                "mount --rbind /dev \"$root/dev\""));
        for (String volume : stage.volumes()) {
            // A fresh, empty volume owned like the image's directory, as Docker initialises an anonymous volume.
            String path = "\"$root\"" + quote(volume);
            script.add("mount -t tmpfs -o \"uid=$(stat -c %u " + path + "),gid=$(stat -c %g " + path
                    + "),mode=$(stat -c %a " + path + ")\" tmpfs " + path);
        }
        binds.forEach((target, source) -> {
            script.add("mkdir -p \"$root\"" + quote(target));
            script.add("mount --bind " + quote(source.toAbsolutePath().toString()) + " \"$root\"" + quote(target));
        });
        Map<String, String> env = containerEnv(runtimeEnv);
        List<String> command = new ArrayList<>(stage.lastOf("ENTRYPOINT").orElseThrow().words());
        command.addAll(arguments);
        // The shell stays PID 1 of the new PID namespace: SIGKILL on unshare reaches it through --kill-child, and the
        // kernel then kills everything else in the namespace. (PID 1 ignores SIGTERM, so only SIGKILL stops it.)
        script.add(inRoot(user(), workdir(), env, command) + " &");
        script.add("wait $!");
        Path file = write("start-" + arguments.get(0) + ".sh", script);
        return new ProcessBuilder("unshare", "--mount", "--propagation", "private", "--pid", "--fork",
                "--kill-child", "bash", file.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Runs the HEALTHCHECK's command in the root as the image's user, with the same environment; its exit code. */
    int healthcheck(Map<String, String> runtimeEnv, long timeoutSeconds) throws Exception {
        String check = stage.lastOf("HEALTHCHECK").orElseThrow().arguments();
        if (!check.startsWith("CMD ")) {
            throw new IllegalStateException("HEALTHCHECK without CMD: " + check);
        }
        List<String> script = List.of("root=" + quote(root.toString()),
                inRoot(user(), workdir(), containerEnv(runtimeEnv),
                        List.of("/bin/sh", "-c", check.substring("CMD ".length()))));
        Process process = new ProcessBuilder("bash", write("healthcheck.sh", script).toString())
                .redirectErrorStream(true).redirectOutput(workspace.resolve("healthcheck.log").toFile()).start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }

    private Map<String, String> containerEnv(Map<String, String> runtimeEnv) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", DEFAULT_PATH);
        env.put("HOSTNAME", "scriptorium-replay");
        env.put("HOME", home(user().split(":")[0]));
        env.putAll(stage.environment());
        env.putAll(runtimeEnv);
        return env;
    }

    /** The user's home directory from the root's /etc/passwd, as Docker sets HOME. */
    private String home(String uid) {
        try {
            for (String entry : Files.readAllLines(root.resolve("etc/passwd"))) {
                String[] fields = entry.split(":");
                if (fields.length > 5 && fields[2].equals(uid)) {
                    return fields[5];
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return "/";
    }

    String user() {
        return numericUser(stage.lastOf("USER").map(Instruction::arguments).orElse("0:0"));
    }

    private String workdir() {
        return stage.lastOf("WORKDIR").map(Instruction::arguments).orElse("/");
    }

    private List<String> copy(Instruction instruction) {
        List<String> words = DockerfileStage.shellWords(instruction.arguments());
        String destination = words.get(words.size() - 1);
        List<String> sources = words.subList(0, words.size() - 1);
        List<String> lines = new ArrayList<>();
        String target = "\"$root\"" + quote(destination);
        if (destination.endsWith("/") || sources.size() > 1) {
            lines.add("mkdir -p " + target);
        } else {
            lines.add("mkdir -p \"$(dirname " + target + ")\"");
        }
        for (String source : sources) {
            Path from;
            if (instruction.flags().containsKey("from")) {
                if (!instruction.flags().get("from").equals("jar") || !source.equals("/build/target/scriptorium.jar")) {
                    throw new IllegalStateException("The replay maps only the jar stage's jar, not " + instruction);
                }
                from = jar;
            } else {
                from = context.resolve(source);
            }
            lines.add("cp -R --preserve=mode " + quote(from.toString()) + " " + target);
        }
        lines.add("chown -R 0:0 " + target);
        return lines;
    }

    private String inRoot(String user, String workdir, Map<String, String> env, List<String> command) {
        StringBuilder line = new StringBuilder("chroot --userspec=" + user + " \"$root\" /usr/bin/env -i -C "
                + quote(workdir));
        if (!env.containsKey("PATH")) {
            line.append(" PATH=").append(DEFAULT_PATH);
        }
        env.forEach((name, value) -> line.append(' ').append(quote(name + "=" + value)));
        command.forEach(word -> line.append(' ').append(quote(word)));
        return line.toString();
    }

    private static String numericUser(String user) {
        if (!user.matches("\\d+(:\\d+)?")) {
            throw new IllegalStateException("USER must be numeric (uid:gid) so Kubernetes can verify it, not " + user);
        }
        return user.contains(":") ? user : user + ":" + user;
    }

    private void run(String name, List<String> script, long timeoutSeconds) throws Exception {
        Path log = workspace.resolve(name.replace(".sh", ".log"));
        Process process = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "bash",
                write(name, script).toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(name + " did not finish in " + timeoutSeconds + " s:\n" + tail(log));
        }
        if (process.exitValue() != 0) {
            throw new AssertionError(name + " failed with exit code " + process.exitValue() + ":\n" + tail(log));
        }
    }

    private Path write(String name, List<String> script) throws IOException {
        Path file = workspace.resolve(name);
        Files.writeString(file, "#!/bin/bash\n" + String.join("\n", script) + "\n");
        return file;
    }

    static String tail(Path log) throws IOException {
        String text = Files.exists(log) ? Files.readString(log) : "";
        return text.length() > 6000 ? text.substring(text.length() - 6000) : text;
    }

    static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
