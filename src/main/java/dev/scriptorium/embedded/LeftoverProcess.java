package dev.scriptorium.embedded;

import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops an embedded server left running by an earlier process of ours that was killed without shutting it down;
 * otherwise the next start fails on the locked data directory.
 */
final class LeftoverProcess {
    private static final Logger log = LoggerFactory.getLogger(LeftoverProcess.class);

    private LeftoverProcess() {
    }

    /**
     * @param pidFile    the server's pid file (first line is the pid)
     * @param executable part of the command name the process must have, so that a recycled pid of an unrelated
     *                   process is never killed
     */
    static void stopIfRunning(Path pidFile, String executable) {
        PidFile.liveProcess(pidFile, executable)
                // Only a process known to be ours is stopped; liveProcess gives the benefit of the doubt.
                .filter(process -> process.info().command().isPresent())
                .ifPresent(process -> {
                    log.warn("Stopping a leftover {} (pid {}) from an earlier run that did not shut down", executable,
                            process.pid());
                    process.destroy();
                    if (!waitFor(process, Duration.ofSeconds(15))) {
                        process.destroyForcibly();
                        waitFor(process, Duration.ofSeconds(5));
                    }
                });
    }

    private static boolean waitFor(ProcessHandle process, Duration timeout) {
        try {
            return Liveness.awaitExit(process, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
