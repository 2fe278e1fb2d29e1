package dev.scriptorium.batch;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** For pipes and CI logs: one line per state change of a file, and the summary table at the end. */
final class LineDisplay implements BatchDisplay {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private final PrintWriter out;
    private final Path here;
    /** What each file's last line said, so that a repeat of it is not printed. */
    private final Map<BatchFile, String> last = new ConcurrentHashMap<>();

    LineDisplay(PrintWriter out, Path here) {
        this.out = out;
        this.here = here;
    }

    @Override
    public synchronized void begin(List<BatchFile> files, List<MediaFinder.Skipped> ignored) {
        for (MediaFinder.Skipped skipped : ignored) {
            line("ignored " + Summary.shown(skipped.file(), here) + ": " + skipped.reason());
        }
        line(files.size() + (files.size() == 1 ? " media file" : " media files") + " to transcribe");
        files.stream().filter(file -> file.state() == FileState.SKIPPED).forEach(this::changed);
    }

    @Override
    public synchronized void changed(BatchFile file) {
        String text = describe(file);
        if (!text.equals(last.put(file, text))) {
            line(file.label() + ": " + text);
        }
    }

    private String describe(BatchFile file) {
        return switch (file.state()) {
            case PROCESSING -> "processing" + file.stage().map(stage -> " (" + stage.replace('_', ' ') + ")")
                    .orElse("");
            case QUEUED, PICKED_UP -> file.state().label() + file.jobId().map(id -> " (job " + id + ")").orElse("");
            case FAILED, SKIPPED, COMPLETED, NOT_STARTED, LEFT_RUNNING -> file.state().label() + ": "
                    + Summary.outcome(file, here);
            default -> file.state().label();
        };
    }

    @Override
    public void progressed(BatchFile file) {
        // Percent moves are not state changes: a log gets one line per change, not one per poll.
    }

    @Override
    public synchronized void notice(String message) {
        line(message);
    }

    @Override
    public synchronized void end(List<BatchFile> files, int exitStatus) {
        out.println();
        out.print(Summary.table(files, here));
        out.flush();
    }

    private void line(String text) {
        out.println(LocalTime.now().format(TIME) + " " + text);
        out.flush();
    }

    @Override
    public void close() {
        out.flush();
    }
}
