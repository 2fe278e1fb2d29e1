package dev.scriptorium.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * For scripts: one JSON object per line and per event ({@code found}, {@code ignored}, {@code state},
 * {@code progress}, {@code notice}, {@code summary}), each with {@code event} and {@code time}.
 */
final class JsonDisplay implements BatchDisplay {
    private final PrintWriter out;
    private final Path here;
    private static final long PROGRESS_INTERVAL_NANOS = 1_000_000_000L;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<BatchFile, Long> lastProgress = new java.util.HashMap<>();

    JsonDisplay(PrintWriter out, Path here) {
        this.out = out;
        this.here = here;
    }

    @Override
    public synchronized void begin(List<BatchFile> files, List<MediaFinder.Skipped> ignored) {
        for (MediaFinder.Skipped skipped : ignored) {
            Map<String, Object> event = event("ignored");
            event.put("file", Summary.shown(skipped.file(), here));
            event.put("reason", skipped.reason());
            write(event);
        }
        for (BatchFile file : files) {
            Map<String, Object> event = event("found");
            event.put("file", file.label());
            event.put("size_bytes", file.sizeBytes());
            write(event);
        }
        files.stream().filter(file -> file.state() == FileState.SKIPPED).forEach(this::changed);
    }

    @Override
    public synchronized void changed(BatchFile file) {
        Map<String, Object> event = fileEvent("state", file);
        event.put("state", file.state().name().toLowerCase(java.util.Locale.ROOT));
        file.stage().filter(stage -> file.state() == FileState.PROCESSING).ifPresent(stage -> event.put("stage",
                stage));
        file.failure().filter(reason -> file.state() == FileState.FAILED).ifPresent(reason -> event.put("reason",
                reason));
        if (file.state() == FileState.COMPLETED || file.state() == FileState.SKIPPED) {
            event.put("outputs", file.outputs().stream().map(output -> Summary.shown(output, here)).toList());
        }
        write(event);
    }

    @Override
    public synchronized void progressed(BatchFile file) {
        // An upload reports every buffer it sends: a script gets at most one progress line per file and second.
        long now = System.nanoTime();
        Long last = lastProgress.get(file);
        if (last != null && now - last < PROGRESS_INTERVAL_NANOS) {
            return;
        }
        lastProgress.put(file, now);
        Map<String, Object> event = fileEvent("progress", file);
        if (file.state() == FileState.UPLOADING) {
            event.put("uploaded_bytes", file.uploadedBytes());
            event.put("size_bytes", file.sizeBytes());
        } else {
            event.put("percent", file.percent());
            file.etaSeconds().ifPresent(eta -> event.put("eta_seconds", eta));
        }
        write(event);
    }

    @Override
    public synchronized void notice(String message) {
        Map<String, Object> event = event("notice");
        event.put("message", message);
        write(event);
    }

    @Override
    public synchronized void end(List<BatchFile> files, int exitStatus) {
        Map<String, Object> event = event("summary");
        event.put("exit_status", exitStatus);
        event.put("files", files.stream().map(file -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("file", file.label());
            row.put("state", file.state().name().toLowerCase(java.util.Locale.ROOT));
            row.put("job_id", file.jobId().map(Object::toString).orElse(null));
            row.put("audio_seconds", file.audioSeconds().orElse(null));
            row.put("seconds", file.seconds().orElse(null));
            row.put("outputs", file.state() == FileState.COMPLETED || file.state() == FileState.SKIPPED
                    ? file.outputs().stream().map(output -> Summary.shown(output, here)).toList() : List.of());
            row.put("reason", file.state() == FileState.COMPLETED ? null : Summary.outcome(file, here));
            return row;
        }).toList());
        write(event);
    }

    private Map<String, Object> fileEvent(String name, BatchFile file) {
        Map<String, Object> event = event(name);
        event.put("file", file.label());
        file.jobId().ifPresent(id -> event.put("job_id", id.toString()));
        return event;
    }

    private static Map<String, Object> event(String name) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event", name);
        event.put("time", Instant.now().toString());
        return event;
    }

    private void write(Map<String, Object> event) {
        try {
            out.println(json.writeValueAsString(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    @Override
    public void close() {
        out.flush();
    }
}
