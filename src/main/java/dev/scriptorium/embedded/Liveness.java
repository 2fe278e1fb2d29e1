package dev.scriptorium.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Whether a server process really runs. {@link ProcessHandle#isAlive} is true for a zombie too, and an embedded
 * server is not our child: once killed it stays a zombie until the machine's init reaps it, which a container's init
 * (or a JVM that is itself pid 1) may do late or never.
 */
final class Liveness {
    private Liveness() {
    }

    static boolean running(ProcessHandle process) {
        return process.isAlive() && !exited(stateOf(process.pid()));
    }

    /**
     * Waits until {@code process} has exited, a zombie counting as exited (its {@code onExit} would wait for the
     * reaping); true if it did within {@code timeout}.
     */
    static boolean awaitExit(ProcessHandle process, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (running(process)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /** Field 3 of {@code /proc/PID/stat}; blank where /proc cannot tell (the process is gone, not Linux). */
    static String stateOf(long pid) {
        try {
            return state(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** The command name in field 2 may hold spaces and parentheses, so the state is read after the last one. */
    static String state(String stat) {
        int close = stat.lastIndexOf(')');
        String rest = close < 0 ? "" : stat.substring(close + 1).trim();
        return rest.isEmpty() ? "" : rest.substring(0, 1);
    }

    /** Z: a zombie, exited but not yet reaped; X: dead. */
    static boolean exited(String state) {
        return state.equals("Z") || state.equals("X");
    }
}
