package dev.scriptorium.batch;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One file of a batch and what is known about it: written by the thread that runs it, read by the display, so every
 * field is volatile and each is written on its own.
 */
final class BatchFile {
    private final Path path;
    private final String label;
    private final long sizeBytes;
    private final List<Path> outputs;
    private volatile FileState state = FileState.PENDING;
    private volatile String stage;
    private volatile long uploadedBytes;
    private volatile double percent;
    private volatile Double etaSeconds;
    private volatile Double audioSeconds;
    private volatile UUID jobId;
    private volatile String failure;
    private volatile long startedNanos;
    private volatile long endedNanos;

    BatchFile(Path path, String label, long sizeBytes, List<Path> outputs) {
        this.path = path;
        this.label = label;
        this.sizeBytes = sizeBytes;
        this.outputs = List.copyOf(outputs);
    }

    Path path() { return path; }
    /** The file as the user would name it: relative to the directory given, or as given. */
    String label() { return label; }
    long sizeBytes() { return sizeBytes; }
    List<Path> outputs() { return outputs; }
    FileState state() { return state; }
    /** The job's stage while it is processing (extracting_audio, transcribing, ...). */
    Optional<String> stage() { return Optional.ofNullable(stage); }
    long uploadedBytes() { return uploadedBytes; }
    double percent() { return percent; }
    /** The job's own estimate of the time left, while it is transcribed. */
    Optional<Double> etaSeconds() { return Optional.ofNullable(etaSeconds); }
    Optional<Double> audioSeconds() { return Optional.ofNullable(audioSeconds); }
    Optional<UUID> jobId() { return Optional.ofNullable(jobId); }
    /** Why the file failed, in the server's words where the server said it. */
    Optional<String> failure() { return Optional.ofNullable(failure); }

    /** Seconds from the start of its upload (or pick-up) to its end, or until now while it runs. */
    Optional<Double> seconds() {
        if (startedNanos == 0) {
            return Optional.empty();
        }
        long end = endedNanos != 0 ? endedNanos : System.nanoTime();
        return Optional.of((end - startedNanos) / 1e9);
    }

    /** Audio seconds transcribed so far: what the total bar counts. */
    double doneAudioSeconds() {
        Double audio = audioSeconds;
        return audio == null ? 0 : state == FileState.COMPLETED ? audio : audio * percent / 100;
    }

    void start() {
        startedNanos = System.nanoTime();
    }

    void state(FileState next) {
        state = next;
        if (next.end() && startedNanos != 0) {
            endedNanos = System.nanoTime();
        }
    }

    void stage(String value) { stage = value; }
    void uploadedBytes(long value) { uploadedBytes = value; }
    void percent(double value) { percent = value; }
    void etaSeconds(Double value) { etaSeconds = value; }
    void audioSeconds(Double value) { audioSeconds = value; }
    void jobId(UUID value) { jobId = value; }
    void failure(String reason) { failure = reason; }
}
