package dev.scriptorium.transcription;

import dev.scriptorium.app.ProcessName;
import dev.scriptorium.media.AudioChunk;
import java.time.Duration;
import java.util.UUID;
import org.hibernate.SessionFactory;

/**
 * Leases on chunks of running jobs, in PostgreSQL, so that a chunk is transcribed by one slot at a time wherever the
 * slots run. Lease times come from the database's clock, so machines with skewed clocks still agree. Thread-safe.
 */
public final class ChunkClaims {
    /** How long a claim lasts without renewal: well above the renewal interval, so only a dead holder loses one. */
    static final Duration LEASE = Duration.ofSeconds(60);
    /** How often a holder renews its claim while it transcribes. */
    static final Duration RENEW_EVERY = Duration.ofSeconds(10);
    private final SessionFactory sessions;

    public ChunkClaims(SessionFactory sessions) {
        this.sessions = sessions;
    }

    /** Takes the chunk unless someone holds a claim on it that has not lapsed. */
    public boolean claim(UUID jobId, AudioChunk chunk, String holder) {
        return sessions.fromTransaction(session -> session.createNativeMutationQuery("""
                insert into transcript_chunk_claim (job_id, start_sample, end_sample, holder, lease_until)
                values (:job, :start, :end, :holder, now() + :seconds * interval '1 second')
                on conflict (job_id, start_sample, end_sample) do update
                    set holder = excluded.holder, lease_until = excluded.lease_until
                    where transcript_chunk_claim.lease_until < now()
                """)
                .setParameter("job", jobId)
                .setParameter("start", chunk.startSample())
                .setParameter("end", chunk.endSample())
                .setParameter("holder", holder)
                .setParameter("seconds", LEASE.toSeconds())
                .executeUpdate()) == 1;
    }

    /** Extends the holder's claim; false if it lapsed and someone else took the chunk meanwhile. */
    public boolean renew(UUID jobId, AudioChunk chunk, String holder) {
        return sessions.fromTransaction(session -> session.createNativeMutationQuery("""
                update transcript_chunk_claim set lease_until = now() + :seconds * interval '1 second'
                where job_id = :job and start_sample = :start and end_sample = :end and holder = :holder
                """)
                .setParameter("job", jobId)
                .setParameter("start", chunk.startSample())
                .setParameter("end", chunk.endSample())
                .setParameter("holder", holder)
                .setParameter("seconds", LEASE.toSeconds())
                .executeUpdate()) == 1;
    }

    /** Gives the chunk up, done or not; a claim someone else took over is left alone. */
    public void release(UUID jobId, AudioChunk chunk, String holder) {
        sessions.inTransaction(session -> session.createNativeMutationQuery("""
                delete from transcript_chunk_claim
                where job_id = :job and start_sample = :start and end_sample = :end and holder = :holder
                """)
                .setParameter("job", jobId)
                .setParameter("start", chunk.startSample())
                .setParameter("end", chunk.endSample())
                .setParameter("holder", holder)
                .executeUpdate());
    }

    /** A fresh holder name: which process and what for, plus a random part so every claimant is distinct. */
    public static String holder(String role) {
        return ProcessName.current() + "/" + role + "/" + UUID.randomUUID().toString().substring(0, 8);
    }
}
