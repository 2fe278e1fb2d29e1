package dev.scriptorium.batch;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/** {@code --quiet}: nothing but the failures, on stderr; the exit status says the rest. */
final class QuietDisplay implements BatchDisplay {
    private final PrintWriter err;
    private final Path here;

    QuietDisplay(PrintWriter err, Path here) {
        this.err = err;
        this.here = here;
    }

    @Override
    public void begin(List<BatchFile> files, List<MediaFinder.Skipped> ignored) {
    }

    @Override
    public void changed(BatchFile file) {
    }

    @Override
    public void progressed(BatchFile file) {
    }

    @Override
    public void notice(String message) {
    }

    @Override
    public synchronized void end(List<BatchFile> files, int exitStatus) {
        for (BatchFile file : files) {
            if (file.state() == FileState.FAILED) {
                err.println(file.label() + ": failed: " + Summary.outcome(file, here));
            }
        }
        err.flush();
    }

    @Override
    public void close() {
        err.flush();
    }
}
