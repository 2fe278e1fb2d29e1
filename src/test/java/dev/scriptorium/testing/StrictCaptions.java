package dev.scriptorium.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads SRT and WebVTT cues as strictly as a picky player, for tests of rendered captions. */
public final class StrictCaptions {
    private StrictCaptions() {
    }

    public record Cue(long startMillis, long endMillis, List<String> lines) {
    }

    /**
     * Reads SRT (numbered cues, comma milliseconds) or WebVTT cues after the header (dot milliseconds) as strictly
     * as a picky player: a timing line, one to maxLines lines of text, a blank line, nothing else.
     */
    public static List<Cue> parse(String text, char separator, int maxLines) {
        boolean numbered = separator == ',';
        String time = "(\\d{2,}):([0-5]\\d):([0-5]\\d)" + Pattern.quote(String.valueOf(separator)) + "(\\d{3})";
        Pattern timing = Pattern.compile(time + " --> " + time);
        String[] lines = text.split("\n", -1);
        assertThat(lines[lines.length - 1]).as("the text ends with a line break").isEmpty();
        List<Cue> cues = new ArrayList<>();
        int i = 0;
        while (i < lines.length - 1) {
            if (numbered) {
                assertThat(lines[i++]).as("cue number").isEqualTo(String.valueOf(cues.size() + 1));
            }
            Matcher times = timing.matcher(lines[i++]);
            assertThat(times.matches()).as("timing line '%s'", lines[i - 1]).isTrue();
            List<String> cueLines = new ArrayList<>();
            while (!lines[i].isEmpty()) {
                cueLines.add(lines[i++]);
            }
            i++;
            assertThat(cueLines).as("lines of cue %d", cues.size() + 1).hasSizeBetween(1, maxLines);
            cues.add(new Cue(millis(times, 1), millis(times, 5), cueLines));
        }
        return cues;
    }

    private static long millis(Matcher times, int group) {
        return ((Long.parseLong(times.group(group)) * 60 + Long.parseLong(times.group(group + 1))) * 60
                + Long.parseLong(times.group(group + 2))) * 1000 + Long.parseLong(times.group(group + 3));
    }

    public static void assertOrdered(List<Cue> cues) {
        long previousEnd = 0;
        for (Cue cue : cues) {
            assertThat(cue.startMillis()).as("start of %s", cue).isGreaterThanOrEqualTo(previousEnd);
            assertThat(cue.endMillis()).as("end of %s", cue).isGreaterThanOrEqualTo(cue.startMillis());
            previousEnd = cue.endMillis();
        }
    }
}
