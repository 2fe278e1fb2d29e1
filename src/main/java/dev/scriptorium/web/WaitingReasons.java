package dev.scriptorium.web;

import dev.scriptorium.transcription.JobStatus;
import dev.scriptorium.transcription.TranscriptionJob;
import dev.scriptorium.whisper.ModelStatus;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Why a queued job is still waiting, when there is a reason beyond other jobs being ahead of it: no process is
 * running that takes its next step, or the workers have no usable model. Worker counts come from JobRunr's server
 * table and are cached for a few seconds, since every status poll asks. Thread-safe.
 */
final class WaitingReasons {
    private static final long CACHE_NANOS = 5_000_000_000L;
    private final IntSupplier ingestWorkers;
    private final IntSupplier transcriptionWorkers;
    private final Supplier<Optional<ModelStatus>> model;
    private long checkedAt;
    private int ingest;
    private int transcription;

    /** @param model this process's worker's model status, if it runs one */
    WaitingReasons(IntSupplier ingestWorkers, IntSupplier transcriptionWorkers, Supplier<Optional<ModelStatus>> model) {
        this.ingestWorkers = ingestWorkers;
        this.transcriptionWorkers = transcriptionWorkers;
        this.model = model;
        this.checkedAt = System.nanoTime() - 2 * CACHE_NANOS;
    }

    Optional<String> of(TranscriptionJob job) {
        return of(job.status() == JobStatus.QUEUED, job.mediaKey().isPresent());
    }

    Optional<String> of(JobView job) {
        return of(job.status().equals(JobStatus.QUEUED.apiName()), job.media().stored());
    }

    private Optional<String> of(boolean queued, boolean stored) {
        if (!queued) {
            return Optional.empty();
        }
        refresh();
        if (!stored) {
            return ingest > 0 ? Optional.empty() : Optional.of("No scheduler is running to store the upload; the job"
                    + " moves on once the operator starts one.");
        }
        Optional<ModelStatus> status = model.get();
        if (status.isPresent() && !status.get().loaded()) {
            return Optional.of(status.get().message());
        }
        return transcription > 0 ? Optional.empty() : Optional.of("No transcription worker is running (or none has a"
                + " usable Whisper model yet); the job starts when one is.");
    }

    private synchronized void refresh() {
        if (System.nanoTime() - checkedAt < CACHE_NANOS) {
            return;
        }
        ingest = ingestWorkers.getAsInt();
        transcription = transcriptionWorkers.getAsInt();
        checkedAt = System.nanoTime();
    }
}
