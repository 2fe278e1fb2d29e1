package dev.scriptorium.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Output for pipes and logs: one line per state change, never one per poll. */
class LineDisplayTest {
    private final StringWriter written = new StringWriter();
    private final Path here = Path.of("").toAbsolutePath();
    private final LineDisplay display = new LineDisplay(new PrintWriter(written, true), here);
    private final BatchFile file = new BatchFile(here.resolve("talk.mp4"), "talk.mp4", 10,
            List.of(here.resolve("talk.srt")));

    private List<String> lines() {
        return written.toString().lines().map(line -> line.substring(9)).toList();
    }

    @Test
    void progressAndRepeatsPrintNothingAndEachChangePrintsOneLine() {
        file.state(FileState.UPLOADING);
        display.changed(file);
        file.uploadedBytes(5);
        display.progressed(file);
        file.jobId(UUID.fromString("00000000-0000-0000-0000-000000000001"));
        file.state(FileState.QUEUED);
        display.changed(file);
        display.changed(file);
        file.state(FileState.PROCESSING);
        file.stage("transcribing");
        display.changed(file);
        file.percent(50);
        display.progressed(file);
        file.state(FileState.COMPLETED);
        display.changed(file);

        assertThat(lines()).containsExactly("talk.mp4: uploading",
                "talk.mp4: queued (job 00000000-0000-0000-0000-000000000001)",
                "talk.mp4: processing (transcribing)", "talk.mp4: completed: talk.srt");
    }

    @Test
    void aFailureLineCarriesTheServersReason() {
        file.state(FileState.UPLOADING);
        file.failure("The file is not a video or audio format Scriptorium can read. (unsupported_format)");
        file.state(FileState.FAILED);
        display.changed(file);

        assertThat(lines()).containsExactly("talk.mp4: failed: The file is not a video or audio format Scriptorium"
                + " can read. (unsupported_format)");
    }
}
