package dev.scriptorium.transcription;

import dev.scriptorium.media.AudioChunk;
import dev.scriptorium.sandbox.TimedOutException;
import dev.scriptorium.sandbox.JobWatch;
import dev.scriptorium.whisper.WhisperSegment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.DoubleConsumer;

/**
 * The job's own slot working through its chunks in order, alongside helpers on other slots (of this worker or
 * others) that may take chunks too. Every chunk is claimed before it is transcribed and checkpointed after, so each is
 * done once; a chunk someone else holds is waited for, and taken over if its holder's claim lapses. Results come back
 * in chunk order. Not thread-safe: one per attempt.
 */
final class ChunkRun {
    /** One chunk's work on the job's own slot. */
    @FunctionalInterface
    interface ChunkWork {
        /** @param progress told the fraction of the chunk done, from inside the chunk */
        List<WhisperSegment> run(AudioChunk chunk, JobWatch watch, DoubleConsumer progress) throws Exception;
    }

    private static final Duration WAIT_STEP = Duration.ofMillis(200);
    private final UUID jobId;
    private final List<AudioChunk> chunks;
    private final ChunkCheckpoints checkpoints;
    private final ChunkClaims claims;
    private final JobWatch watch;
    private final ChunkWork work;
    private final DoubleConsumer progress;
    private final String holder = ChunkClaims.holder("job");
    private final List<List<WhisperSegment>> results;
    private double secondsDone;
    private int resumed;
    private int here;
    private int elsewhere;

    ChunkRun(UUID jobId, List<AudioChunk> chunks, ChunkCheckpoints checkpoints, ChunkClaims claims, JobWatch watch,
             ChunkWork work, DoubleConsumer progress) {
        this.jobId = jobId;
        this.chunks = chunks;
        this.checkpoints = checkpoints;
        this.claims = claims;
        this.watch = watch;
        this.work = work;
        this.progress = progress;
        this.results = new ArrayList<>(Collections.nCopies(chunks.size(), null));
    }

    List<List<WhisperSegment>> run() throws Exception {
        Map<AudioChunk, List<WhisperSegment>> before = checkpoints.all(jobId);
        List<Integer> heldElsewhere = new ArrayList<>();
        for (int index = 0; index < chunks.size(); index++) {
            AudioChunk chunk = chunks.get(index);
            if (before.containsKey(chunk)) {
                resumed++;
                finished(index, before.get(chunk));
            } else if (!takeIfFree(index)) {
                heldElsewhere.add(index);
            }
        }
        while (!heldElsewhere.isEmpty()) {
            for (Iterator<Integer> it = heldElsewhere.iterator(); it.hasNext(); ) {
                if (takeIfFree(it.next())) {
                    it.remove();
                }
            }
            if (!heldElsewhere.isEmpty()) {
                awaitOthers();
            }
        }
        return List.copyOf(results);
    }

    /** "4 chunks: 2 on this slot, 1 on other slots, 1 resumed from checkpoints". */
    String describe() {
        return chunks.size() + " chunks: " + here + " on this slot, " + elsewhere + " on other slots, " + resumed
                + " resumed from checkpoints";
    }

    /**
     * Finishes the chunk unless another slot holds it: takes a checkpoint someone else left, or claims the chunk and
     * transcribes it here.
     *
     * @return false if another slot is still working on it
     */
    private boolean takeIfFree(int index) throws Exception {
        if (Thread.interrupted()) {
            throw new InterruptedException("transcription interrupted");
        }
        AudioChunk chunk = chunks.get(index);
        Optional<List<WhisperSegment>> done = checkpoints.find(jobId, chunk);
        if (done.isPresent()) {
            elsewhere++;
            finished(index, done.get());
            return true;
        }
        if (!claims.claim(jobId, chunk, holder)) {
            return false;
        }
        try {
            // A helper may have finished it between the look and the claim.
            Optional<List<WhisperSegment>> justDone = checkpoints.find(jobId, chunk);
            if (justDone.isPresent()) {
                elsewhere++;
                finished(index, justDone.get());
                return true;
            }
            double chunkSeconds = chunk.endSeconds() - chunk.startSeconds();
            List<WhisperSegment> segments = work.run(chunk, new LeasedWatch(watch, claims, jobId, chunk, holder),
                    fraction -> progress.accept(secondsDone + fraction * chunkSeconds));
            checkpoints.save(jobId, chunk, segments);
            here++;
            finished(index, segments);
        } finally {
            claims.release(jobId, chunk, holder);
        }
        return true;
    }

    private void finished(int index, List<WhisperSegment> segments) {
        results.set(index, segments);
        AudioChunk chunk = chunks.get(index);
        secondsDone += chunk.endSeconds() - chunk.startSeconds();
        progress.accept(secondsDone);
    }

    /** Waits a moment for other slots, still bound by the job's deadline and cancel. */
    private void awaitOthers() throws InterruptedException, TimedOutException {
        if (Instant.now().isAfter(watch.deadline())) {
            throw new TimedOutException(TimedOutException.Why.TIME_LIMIT, "other slots transcribed its chunks");
        }
        if (watch.canceled()) {
            throw new JobCanceledException(jobId);
        }
        Thread.sleep(WAIT_STEP.toMillis());
    }
}
