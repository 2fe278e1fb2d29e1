package dev.scriptorium.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** --json: one object per line, and an upload's many buffers do not flood the script reading them. */
class JsonDisplayTest {
    private final StringWriter written = new StringWriter();
    private final Path here = Path.of("").toAbsolutePath();
    private final JsonDisplay display = new JsonDisplay(new PrintWriter(written, true), here);

    private List<JsonNode> events() throws Exception {
        List<JsonNode> events = new ArrayList<>();
        for (String line : written.toString().lines().toList()) {
            events.add(new ObjectMapper().readTree(line));
        }
        return events;
    }

    @Test
    void anUploadOfManyBuffersIsOneProgressEventPerSecond() throws Exception {
        BatchFile file = new BatchFile(here.resolve("talk.mp4"), "talk.mp4", 1_000_000, List.of());
        file.state(FileState.UPLOADING);
        display.changed(file);
        for (int buffer = 1; buffer <= 100; buffer++) {
            file.uploadedBytes(buffer * 10_000L);
            display.progressed(file);
        }

        List<JsonNode> events = events();

        assertThat(events).extracting(event -> event.get("event").asText()).containsExactly("state", "progress");
        assertThat(events.get(1).get("uploaded_bytes").asLong()).isEqualTo(10_000);
        assertThat(events.get(1).get("size_bytes").asLong()).isEqualTo(1_000_000);
    }

    @Test
    void theSummaryNamesEachFilesStateOutputsAndReason() throws Exception {
        BatchFile done = new BatchFile(here.resolve("a.wav"), "a.wav", 10, List.of(here.resolve("a.srt")));
        done.state(FileState.COMPLETED);
        BatchFile broken = new BatchFile(here.resolve("b.mp4"), "b.mp4", 10, List.of(here.resolve("b.srt")));
        broken.failure("not media (unsupported_format)");
        broken.state(FileState.FAILED);

        display.end(List.of(done, broken), 1);

        JsonNode summary = events().get(0);
        assertThat(summary.get("exit_status").asInt()).isEqualTo(1);
        assertThat(summary.at("/files/0/outputs/0").asText()).isEqualTo("a.srt");
        assertThat(summary.at("/files/0/reason").isNull()).isTrue();
        assertThat(summary.at("/files/1/state").asText()).isEqualTo("failed");
        assertThat(summary.at("/files/1/reason").asText()).isEqualTo("not media (unsupported_format)");
    }
}
