package dev.scriptorium.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The first line of a server's pid file (PostgreSQL's postmaster.pid, Redis's pidfile). */
final class PidFile {
    private PidFile() {
    }

    /** Line {@code number} (from 1) of the pid file: PostgreSQL's 4th is its port. */
    static Optional<String> line(Path pidFile, int number) {
        try {
            return Files.readAllLines(pidFile).stream().skip(number - 1L).findFirst().map(String::trim);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static Optional<Long> read(Path pidFile) {
        try {
            if (!Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
            return Optional.of(Long.parseLong(first));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
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
