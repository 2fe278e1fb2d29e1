package dev.scriptorium.testing;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** POSIX signals sent with the {@code kill} command, as an operator or a service manager sends them. */
public final class Signals {
    private Signals() {
    }

    /** Sends {@code signal} ("STOP", "CONT", "TERM", "KILL") to {@code pid}; a negative pid names a process group. */
    public static boolean send(long pid, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, "--", Long.toString(pid))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0;
    }
}
