package dev.scriptorium.batch;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * On a terminal: a total bar in hours of audio with an overall ETA, and a bar per file in flight showing its upload,
 * then its wait in the queue, then its transcription with the job's own percent and ETA. The progressbar library
 * draws and redraws them.
 *
 * <p>The bars are made once, one per slot of {@code --parallel}, and a slot's bar passes to the next file when one
 * ends: the library keeps each bar on its line by counting lines up from the cursor, which holds only while its one
 * drawing thread is the only writer and no bar is added or closed midway.
 */
final class BarsDisplay implements BatchDisplay {
    private static final int MESSAGE_WIDTH = 48;
    private final PrintWriter out;
    private final Path here;
    private final int columns;
    private final Slot[] slots;
    private final Map<BatchFile, Slot> inSlot = new ConcurrentHashMap<>();
    private final List<String> notices = new CopyOnWriteArrayList<>();
    private volatile List<BatchFile> files = List.of();
    private ProgressBar total;
    /** Shown on the total bar in place of the count of files done, once something must be said (Ctrl-C). */
    private volatile String notice;
    private volatile String lastEnded = "";
    private volatile long started;

    /** A line of the display that shows one file in flight at a time. */
    private static final class Slot {
        private volatile BatchFile file;
        private ProgressBar bar;
    }

    BarsDisplay(PrintWriter out, Path here, int parallel) {
        this.out = out;
        this.here = here;
        this.columns = terminalColumns();
        this.slots = new Slot[parallel];
        for (int index = 0; index < parallel; index++) {
            slots[index] = new Slot();
        }
    }

    /** Read once: asking the terminal on every redraw costs a process per bar and per tick. */
    private static int terminalColumns() {
        try (Terminal terminal = TerminalBuilder.builder().system(true).dumb(true).build()) {
            return terminal.getWidth() >= 40 ? terminal.getWidth() : 80;
        } catch (Exception | Error e) {
            return 80;
        }
    }

    @Override
    public synchronized void begin(List<BatchFile> batch, List<MediaFinder.Skipped> ignored) {
        this.files = List.copyOf(batch);
        long done = batch.stream().filter(file -> file.state() == FileState.SKIPPED).count();
        out.println(batch.size() + (batch.size() == 1 ? " media file" : " media files")
                + (done > 0 ? ", " + done + " done already" : "")
                + (ignored.isEmpty() ? "" : "; ignored " + ignored.size() + " other (hidden or not media)"));
        out.flush();
    }

    /** Drawn once the first file starts: what is said before (the standalone server's start) stays plain lines. */
    private synchronized void draw() {
        if (total != null) {
            return;
        }
        started = System.nanoTime();
        total = bar(this::totalLine);
        for (Slot slot : slots) {
            slot.bar = bar(() -> slotLine(slot));
        }
    }

    /** Redrawn on every tick by the library's drawing thread; its counter is unused, the line says it all. */
    private ProgressBar bar(Supplier<BarRenderer.Line> line) {
        return new ProgressBarBuilder().setInitialMax(1).setUpdateIntervalMillis(500).continuousUpdate()
                .setMaxRenderedLength(columns).setRenderer(new BarRenderer(columns, line)).build();
    }

    @Override
    public synchronized void changed(BatchFile file) {
        FileState state = file.state();
        if (state == FileState.PENDING || state == FileState.SKIPPED) {
            return;
        }
        draw();
        Slot slot = inSlot.get(file);
        if (state.end()) {
            lastEnded = file.label() + " " + state.label();
            if (slot != null) {
                inSlot.remove(file);
                slot.file = null;
            }
            return;
        }
        if (slot == null) {
            for (Slot free : slots) {
                if (free.file == null) {
                    inSlot.put(file, free);
                    free.file = file;
                    return;
                }
            }
        }
    }

    @Override
    public void progressed(BatchFile file) {
        // Read on the library's next tick.
    }

    private BarRenderer.Line slotLine(Slot slot) {
        BatchFile file = slot.file;
        if (file == null) {
            return new BarRenderer.Line("", Optional.empty(), "", Duration.ZERO, Optional.empty(), "idle");
        }
        Duration elapsed = Duration.ofMillis(Math.round(file.seconds().orElse(0.0) * 1000));
        return switch (file.state()) {
            case UPLOADING -> new BarRenderer.Line(file.label(), Optional.of(file.sizeBytes() == 0 ? 1.0
                    : (double) file.uploadedBytes() / file.sizeBytes()), megabytes(file.uploadedBytes()) + "/"
                    + megabytes(file.sizeBytes()), elapsed, Optional.empty(), "uploading");
            case PROCESSING -> new BarRenderer.Line(file.label(), Optional.of(file.percent() / 100), audio(file),
                    elapsed, file.etaSeconds().map(seconds -> Duration.ofSeconds(Math.round(seconds))),
                    file.stage().orElse("processing").replace('_', ' '));
            case QUEUED -> new BarRenderer.Line(file.label(), Optional.empty(), audio(file), elapsed,
                    Optional.empty(), "waiting in the server's queue");
            case PICKED_UP -> new BarRenderer.Line(file.label(), Optional.empty(), audio(file), elapsed,
                    Optional.empty(), "picked up the job of an earlier run");
            default -> new BarRenderer.Line(file.label(), Optional.of(1.0), audio(file), elapsed, Optional.empty(),
                    file.state().label());
        };
    }

    private BarRenderer.Line totalLine() {
        double known = knownAudioSeconds();
        double done = files.stream().mapToDouble(BatchFile::doneAudioSeconds).sum();
        long finished = files.stream().filter(file -> file.state().end()).count();
        long failed = files.stream().filter(file -> file.state() == FileState.FAILED).count();
        String said = notice;
        String message = said != null ? said : shortened(finished + "/" + files.size() + " done"
                + (failed > 0 ? ", " + failed + " failed" : "") + (lastEnded.isEmpty() ? "" : "; " + lastEnded),
                MESSAGE_WIDTH);
        return new BarRenderer.Line("total audio", Optional.of(known <= 0 ? 0 : done / known),
                String.format(Locale.ROOT, "%.2f/%.2f h", done / 3600, known / 3600),
                Duration.ofNanos(System.nanoTime() - started), totalEta(done, known), message);
    }

    /** The audio left divided by the rate the batch has transcribed audio so far. */
    private Optional<Duration> totalEta(double done, double known) {
        double elapsed = (System.nanoTime() - started) / 1e9;
        if (done <= 0 || elapsed <= 0) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofSeconds(Math.round((known - done) * elapsed / done)));
    }

    private double knownAudioSeconds() {
        return files.stream().mapToDouble(file -> file.audioSeconds().orElse(0.0)).sum();
    }

    private static String audio(BatchFile file) {
        return file.audioSeconds().map(seconds -> Summary.clock(seconds) + " audio").orElse("");
    }

    @Override
    public synchronized void notice(String message) {
        if (total != null) {
            // The bar's line must fit the terminal: the whole message follows once the bars are done.
            notice = shortened(message, MESSAGE_WIDTH);
            notices.add(message);
        } else {
            out.println(message);
            out.flush();
        }
    }

    @Override
    public synchronized void end(List<BatchFile> batch, int exitStatus) {
        close();
        out.println();
        notices.forEach(out::println);
        out.print(Summary.table(batch, here));
        out.flush();
    }

    /** Each bar's last drawing runs on the library's thread, which close() waits for. */
    @Override
    public synchronized void close() {
        if (total == null) {
            return;
        }
        total.close();
        for (Slot slot : slots) {
            slot.bar.close();
        }
        total = null;
    }

    static String shortened(String text, int length) {
        return text.length() > length ? text.substring(0, length - 1) + "…" : text;
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6).replace(".0 MB", " MB");
    }
}
