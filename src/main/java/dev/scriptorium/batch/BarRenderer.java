package dev.scriptorium.batch;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import me.tongfei.progressbar.ProgressBarRenderer;
import me.tongfei.progressbar.ProgressState;

/**
 * One line of the display, drawn from what the batch knows rather than from the library's counter: a slot's bar
 * passes from file to file and from upload to transcription, and moving the library's counter back redraws from the
 * calling thread, outside the library's one drawing thread that keeps the lines in place.
 */
final class BarRenderer implements ProgressBarRenderer {
    private static final String EIGHTHS = " ▏▎▍▌▋▊▉";
    private static final int NAME_WIDTH = 28;
    private static final int SUFFIX_WIDTH = 80;
    private final int columns;
    private final Supplier<Line> line;

    /**
     * @param fraction done, from 0 to 1; empty while nothing can be measured (waiting)
     * @param amount   how much, in the command's words (hours of audio, megabytes sent)
     * @param eta      the time left, when it can be told
     */
    record Line(String name, Optional<Double> fraction, String amount, Duration elapsed, Optional<Duration> eta,
                String message) {
    }

    BarRenderer(int columns, Supplier<Line> line) {
        this.columns = columns;
        this.line = line;
    }

    /**
     * Exactly one column short of the terminal: a line that reaches the last column wraps, and a line shorter than
     * the one before leaves the end of that one on screen; either would throw the bars out of place.
     */
    @Override
    public String render(ProgressState progress, int maxLength) {
        int width = Math.max(40, columns - 1);
        Line now = line.get();
        String prefix = name(now.name()) + " " + now.fraction().map(fraction -> String.format(Locale.ROOT, "%3d%%",
                (int) Math.floor(fraction * 100))).orElse("    ") + " │";
        String suffix = "│ " + now.amount() + " (" + clock(now.elapsed()) + " / " + now.eta().map(BarRenderer::clock)
                .orElse("?") + ") " + now.message();
        // Every bar the same length, whatever its message: the suffix gets a fixed share and is cut to it.
        int suffixWidth = Math.min(SUFFIX_WIDTH, width / 2);
        int barWidth = Math.max(10, width - prefix.length() - suffixWidth);
        String text = prefix + bar(now.fraction().orElse(0.0), barWidth) + suffix;
        return text.length() >= width ? text.substring(0, width) : text + " ".repeat(width - text.length());
    }

    private static String bar(double fraction, int width) {
        double filled = Math.max(0, Math.min(1, fraction)) * width;
        int full = (int) filled;
        StringBuilder bar = new StringBuilder("█".repeat(full));
        if (full < width) {
            bar.append(EIGHTHS.charAt((int) ((filled - full) * 8)));
            bar.append(" ".repeat(width - full - 1));
        }
        return bar.toString();
    }

    private static String name(String label) {
        String shown = label.length() > NAME_WIDTH ? "…" + label.substring(label.length() - NAME_WIDTH + 1) : label;
        return String.format(Locale.ROOT, "%-" + NAME_WIDTH + "s", shown);
    }

    private static String clock(Duration duration) {
        return Summary.clock(duration.toMillis() / 1000.0);
    }
}
