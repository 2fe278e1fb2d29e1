package dev.scriptorium.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** What /proc says about the processes of this machine (Linux), and the pid files of serve's embedded servers. */
public final class LocalProcesses {
    private LocalProcesses() {
    }

    /** The live processes whose process group is {@code group}. */
    public static List<String> inGroup(long group) throws IOException {
        List<String> members = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path entry : entries.filter(e -> e.getFileName().toString().matches("\\d+")).toList()) {
                String stat;
                try {
                    stat = Files.readString(entry.resolve("stat"));
                } catch (IOException gone) {
                    continue;
                }
                // Field 5 (pgrp), counted from the parenthesis that closes the command name in field 2.
                String[] fields = stat.substring(stat.lastIndexOf(')') + 1).trim().split("\\s+");
                if (!fields[0].equals("Z") && Long.parseLong(fields[2]) == group) {
                    String command = stat.substring(stat.indexOf('('), stat.lastIndexOf(')') + 1);
                    members.add(entry.getFileName() + " " + command);
                }
            }
        }
        return members;
    }

    /** The live processes whose command line mentions {@code text} (e.g. a data directory). */
    public static List<String> mentioning(String text) {
        return ProcessHandle.allProcesses()
                .filter(process -> process.info().commandLine().map(line -> line.contains(text)).orElse(false))
                .map(process -> process.pid() + " " + process.info().commandLine().orElse(""))
                .toList();
    }

    /** Whether {@code pid} runs; a zombie (exited, waiting for init to reap it) does not. */
    public static boolean alive(long pid) {
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                return !stat.substring(stat.lastIndexOf(')') + 1).trim().startsWith("Z");
            } catch (IOException gone) {
                return false;
            }
        }
        return false;
    }

    /** The pid in the first line of a pid file, if the file is there. */
    public static Optional<Long> pidFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(Files.readAllLines(file).get(0).trim()));
    }

    public static Path postmasterPid(Path home) {
        return home.resolve("data").resolve("postgres").resolve("postmaster.pid");
    }

    public static Path redisPid(Path home) {
        return home.resolve("data").resolve("redis").resolve("redis.pid");
    }
}
