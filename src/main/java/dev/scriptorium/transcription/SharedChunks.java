package dev.scriptorium.transcription;

import dev.scriptorium.media.AudioChunk;
import dev.scriptorium.storage.ObjectStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offers a running job's chunks to other slots, on this worker or any other: each chunk's audio goes to object
 * storage and a chunk job goes on the transcription queue. This runs in the background while the job's own slot
 * starts on the first chunk, so that a worker with nobody to help it loses no time. Closing stops the offer and
 * deletes the chunk audio. Not thread-safe: one per attempt.
 */
final class SharedChunks implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SharedChunks.class);
    private final ObjectStore store;
    private final TranscriptionQueue queue;
    private final ChunkCheckpoints checkpoints;
    private final UUID jobId;
    private final int attempt;
    private final Path workDir;
    private final List<String> published = new CopyOnWriteArrayList<>();
    private Thread publisher;

    SharedChunks(ObjectStore store, TranscriptionQueue queue, ChunkCheckpoints checkpoints, UUID jobId, int attempt,
                 Path workDir) {
        this.store = store;
        this.queue = queue;
        this.checkpoints = checkpoints;
        this.jobId = jobId;
        this.attempt = attempt;
        this.workDir = workDir;
    }

    /** Where other slots find a chunk's audio: raw 16 kHz mono float samples. */
    static String key(UUID jobId, AudioChunk chunk) {
        return "chunks/" + jobId + "/" + chunk.startSample() + "-" + chunk.endSample() + ".f32";
    }

    /**
     * Offers every unfinished chunk but the first, which the job's own slot takes at once, in order, so that the
     * chunks offered first are the ones needed first.
     */
    void offer(Path pcm, List<AudioChunk> chunks) {
        publisher = new Thread(() -> {
            boolean first = true;
            for (AudioChunk chunk : chunks) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                if (checkpoints.find(jobId, chunk).isPresent()) {
                    continue;
                }
                if (first) {
                    first = false;
                    continue;
                }
                try {
                    offer(pcm, chunk);
                } catch (Exception e) {
                    log.debug("Stopped offering chunks of job {}: {}", jobId, e.toString());
                    return;
                }
            }
        }, "offer-chunks-" + jobId);
        publisher.setDaemon(true);
        publisher.start();
    }

    private void offer(Path pcm, AudioChunk chunk) throws IOException {
        Path slice = workDir.resolve("offer-" + chunk.startSample() + ".f32");
        try (FileChannel from = FileChannel.open(pcm, StandardOpenOption.READ);
             FileChannel to = FileChannel.open(slice, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long position = chunk.startSample() * Float.BYTES;
            long remaining = (long) chunk.length() * Float.BYTES;
            while (remaining > 0) {
                long copied = from.transferTo(position, remaining, to);
                position += copied;
                remaining -= copied;
            }
        }
        try {
            String key = key(jobId, chunk);
            published.add(key);
            store.put(key, slice, "application/octet-stream");
            queue.enqueueChunk(jobId, attempt, chunk);
        } finally {
            Files.deleteIfExists(slice);
        }
    }

    @Override
    public void close() {
        if (publisher != null) {
            publisher.interrupt();
            try {
                publisher.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String key : published) {
            try {
                store.delete(key);
            } catch (RuntimeException e) {
                log.warn("Could not delete chunk audio {}; retention cleanup will", key, e);
            }
        }
    }
}
