package dev.scriptorium.transcription;

import dev.scriptorium.media.AudioChunk;
import dev.scriptorium.queue.JobQueue;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Puts jobs on the transcription queue: whole files, and chunks that a running job offers to other slots. */
public final class TranscriptionQueue {
    private final JobQueue queue;

    public TranscriptionQueue(JobQueue queue) {
        this.queue = queue;
    }

    public void enqueue(UUID jobId) {
        queue.enqueue(jobId, (TranscribeStep step) -> step.transcribe(jobId));
    }

    /** For the reconciler: enqueues the job unless it is waiting or running already. */
    public JobQueue.Ensured ensureEnqueued(UUID jobId) {
        return queue.ensureEnqueued(jobId, (TranscribeStep step) -> step.transcribe(jobId));
    }

    /** Worker threads of every running transcription worker; 0 means queued jobs wait for a worker to start. */
    public int workerCount() {
        return queue.workerCount();
    }

    /** Once per chunk and attempt: a later attempt offers its chunks again. */
    void enqueueChunk(UUID jobId, int attempt, AudioChunk chunk) {
        UUID chunkJobId = UUID.nameUUIDFromBytes((jobId + "/" + attempt + "/" + chunk.startSample() + "-"
                + chunk.endSample()).getBytes(StandardCharsets.UTF_8));
        long start = chunk.startSample();
        long end = chunk.endSample();
        queue.enqueue(chunkJobId, (ChunkHelpStep step) -> step.help(jobId, start, end));
    }

    /** Whether any slot besides the asking one takes transcription work, on this worker or another. */
    boolean hasOtherSlots() {
        return queue.workerCount() > 1;
    }
}
