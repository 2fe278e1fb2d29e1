package dev.scriptorium.transcription;

import dev.scriptorium.media.AudioChunk;
import dev.scriptorium.sandbox.Sandbox;
import dev.scriptorium.sandbox.WorkerSlots;
import dev.scriptorium.whisper.WhisperSegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleConsumer;

/**
 * Transcribes one file's chunks on its own slot plus whatever slots are idle when it starts, and gives the results
 * back in chunk order. Each slot takes the next chunk not yet taken, so a slow slot never holds the others back. The
 * first failure stops the hand-out; chunks in progress finish (each is bounded by the job's deadline and cancel
 * check) and then that failure is thrown.
 */
final class ChunkRun {
    /** One chunk's work on one slot. */
    @FunctionalInterface
    interface ChunkWork {
        List<WhisperSegment> run(Sandbox sandbox, AudioChunk chunk) throws Exception;
    }

    private final List<AudioChunk> chunks;
    private final WorkerSlots slots;
    private final ChunkWork work;
    private final DoubleConsumer progress;
    private final List<List<WhisperSegment>> results;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private double secondsDone;
    private int slotsUsed = 1;

    ChunkRun(List<AudioChunk> chunks, WorkerSlots slots, ChunkWork work, DoubleConsumer progress) {
        this.chunks = chunks;
        this.slots = slots;
        this.work = work;
        this.progress = progress;
        this.results = Collections.synchronizedList(new ArrayList<>(Collections.nCopies(chunks.size(), null)));
    }

    /** @param own the slot the job already holds */
    List<List<WhisperSegment>> run(Sandbox own) throws Exception {
        List<Thread> helpers = new ArrayList<>();
        while (slotsUsed < chunks.size()) {
            Optional<Sandbox> idle = slots.tryAcquire();
            if (idle.isEmpty()) {
                break;
            }
            Sandbox borrowed = idle.get();
            Thread helper = new Thread(() -> {
                try {
                    takeChunks(borrowed);
                } finally {
                    borrowed.restartIfGone();
                    slots.release(borrowed);
                }
            }, "chunks-" + Thread.currentThread().getName() + "-" + slotsUsed);
            helpers.add(helper);
            slotsUsed++;
        }
        helpers.forEach(Thread::start);
        takeChunks(own);
        boolean interrupted = false;
        for (Thread helper : helpers) {
            while (helper.isAlive()) {
                try {
                    helper.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return List.copyOf(results);
    }

    int slotsUsed() {
        return slotsUsed;
    }

    private void takeChunks(Sandbox sandbox) {
        try {
            int index;
            while ((index = next.getAndIncrement()) < chunks.size()) {
                if (Thread.interrupted()) {
                    throw new InterruptedException("transcription interrupted");
                }
                AudioChunk chunk = chunks.get(index);
                results.set(index, work.run(sandbox, chunk));
                double done;
                synchronized (this) {
                    secondsDone += chunk.endSeconds() - chunk.startSeconds();
                    done = secondsDone;
                }
                progress.accept(done);
            }
        } catch (Exception e) {
            failure.compareAndSet(null, e);
            next.set(chunks.size());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
