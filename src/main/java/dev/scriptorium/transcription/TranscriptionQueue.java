package dev.scriptorium.transcription;

import dev.scriptorium.queue.JobQueue;
import java.util.UUID;

/** Puts jobs on the transcription queue. Thread-safe. */
public final class TranscriptionQueue {
    private final JobQueue queue;

    public TranscriptionQueue(JobQueue queue) {
        this.queue = queue;
    }

    public void enqueue(UUID jobId) {
        queue.enqueue(jobId, (TranscribeStep step) -> step.transcribe(jobId));
    }
}
