package dev.scriptorium.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The first line of a server's pid file (PostgreSQL's postmaster.pid, Redis's pidfile). */
final class PidFile {
    private PidFile() {
    }

    /** The number on line {@code line} (from 1) of the pid file: the pid on the first, PostgreSQL's port on the 4th. */
    static Optional<Long> number(Path pidFile, int line) {
        try {
            return Files.readAllLines(pidFile).stream().skip(line - 1L).findFirst()
                    .map(text -> Long.parseLong(text.trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    static Optional<Long> read(Path pidFile) {
        return number(pidFile, 1);
    }

    /**
     * The running process the pid file names, if it names one whose command contains {@code executable}. A zombie is
     * not running: a killed server must count as gone before anyone reaps it.
     */
    static Optional<ProcessHandle> liveProcess(Path pidFile, String executable) {
        return read(pidFile)
                .flatMap(ProcessHandle::of)
                .filter(Liveness::running)
                .filter(process -> process.info().command().map(c -> c.contains(executable)).orElse(true));
    }
}
