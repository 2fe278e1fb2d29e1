package dev.scriptorium.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;

/** The CPU time a process has used so far, all its threads together, read from {@code /proc} (Linux). */
final class ProcessCpu {
    /** The unit of /proc's times; fixed at 100 per second in Linux's user-space ABI on every common architecture. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessCpu() {
    }

    /** User plus system CPU seconds of {@code pid}; empty where /proc cannot tell (the process is gone, not Linux). */
    static OptionalDouble seconds(long pid) {
        try {
            return parse(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return OptionalDouble.empty();
        }
    }

    /**
     * Fields 14 and 15 of {@code /proc/PID/stat} (utime, stime). The command name in field 2 may hold spaces and
     * parentheses, so fields are counted from its closing parenthesis.
     */
    static OptionalDouble parse(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return OptionalDouble.empty();
        }
        String[] fields = stat.substring(close + 1).trim().split("\\s+");
        // fields[0] is field 3 (state): utime is field 14, stime field 15.
        if (fields.length < 13) {
            return OptionalDouble.empty();
        }
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return OptionalDouble.of(ticks / TICKS_PER_SECOND);
    }
}
