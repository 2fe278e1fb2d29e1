package dev.scriptorium.transcription;

import dev.scriptorium.media.AudioChunk;
import dev.scriptorium.sandbox.JobWatch;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A job's watch that also keeps a chunk's claim alive: the sandbox asks {@link #canceled} about twice a second while
 * Whisper runs, which is exactly while the claim must not lapse.
 */
final class LeasedWatch implements JobWatch {
    private final JobWatch job;
    private final ChunkClaims claims;
    private final UUID jobId;
    private final AudioChunk chunk;
    private final String holder;
    private long nextRenewal;

    LeasedWatch(JobWatch job, ChunkClaims claims, UUID jobId, AudioChunk chunk, String holder) {
        this.job = job;
        this.claims = claims;
        this.jobId = jobId;
        this.chunk = chunk;
        this.holder = holder;
        this.nextRenewal = System.nanoTime() + ChunkClaims.RENEW_EVERY.toNanos();
    }

    @Override
    public Instant deadline() {
        return job.deadline();
    }

    @Override
    public boolean canceled() {
        if (System.nanoTime() >= nextRenewal) {
            nextRenewal = System.nanoTime() + ChunkClaims.RENEW_EVERY.toNanos();
            try {
                claims.renew(jobId, chunk, holder);
            } catch (RuntimeException e) {
                // The database is briefly away; the next renewal tries again before the claim lapses.
                nextRenewal = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            }
        }
        return job.canceled();
    }
}
