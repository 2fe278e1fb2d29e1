package dev.scriptorium.batch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The table printed at the end of a batch: file, status, audio length, time taken, outputs or failure reason. */
final class Summary {
    private Summary() {
    }

    static String table(List<BatchFile> files, Path here) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"FILE", "STATUS", "AUDIO", "TIME", "OUTPUTS / REASON"});
        for (BatchFile file : files) {
            rows.add(new String[]{file.label(), file.state().label(),
                    file.audioSeconds().map(Summary::clock).orElse("-"),
                    file.seconds().map(Summary::clock).orElse("-"), outcome(file, here)});
        }
        int[] widths = new int[4];
        for (String[] row : rows) {
            for (int column = 0; column < widths.length; column++) {
                widths[column] = Math.max(widths[column], row[column].length());
            }
        }
        StringBuilder table = new StringBuilder();
        for (String[] row : rows) {
            for (int column = 0; column < widths.length; column++) {
                table.append(String.format(Locale.ROOT, "%-" + widths[column] + "s  ", row[column]));
            }
            table.append(row[4]).append('\n');
        }
        table.append(totals(files));
        return table.toString();
    }

    static String outcome(BatchFile file, Path here) {
        return switch (file.state()) {
            case COMPLETED, SKIPPED -> file.outputs().stream().map(output -> shown(output, here))
                    .collect(Collectors.joining(", "));
            case FAILED -> file.failure().orElse("failed");
            case NOT_STARTED -> "stopped before it was submitted; run the command again";
            case LEFT_RUNNING -> "still running on the server" + file.jobId().map(id -> " (job " + id + ")")
                    .orElse("") + "; run the command again to collect it";
            default -> "";
        };
    }

    private static String totals(List<BatchFile> files) {
        StringBuilder line = new StringBuilder();
        for (FileState state : FileState.values()) {
            long count = files.stream().filter(file -> file.state() == state).count();
            if (count > 0) {
                line.append(line.length() == 0 ? "" : ", ").append(count).append(' ').append(state.label());
            }
        }
        double audio = files.stream().filter(file -> file.state() == FileState.COMPLETED)
                .mapToDouble(file -> file.audioSeconds().orElse(0.0)).sum();
        return (files.isEmpty() ? "no media files" : line) + "; " + clock(audio) + " of audio transcribed\n";
    }

    /** A file as the user would type it: relative to the working directory where it is below it. */
    static String shown(Path file, Path here) {
        return file.startsWith(here) ? here.relativize(file).toString() : file.toString();
    }

    static String clock(double seconds) {
        long total = Math.round(seconds);
        return total >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
                : String.format(Locale.ROOT, "%d:%02d", total / 60, total % 60);
    }
}
