package dev.scriptorium.transcription;

import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.hibernate.SessionFactory;

/**
 * Jobs and transcripts in PostgreSQL. Each method is one transaction; changes to a job take a row lock, so that
 * concurrent steps on one job serialize. Thread-safe.
 */
public final class TranscriptionJobs {
    private final SessionFactory sessions;
    private final Clock clock;
    private final JobChangeListener listener;
    private final JobEndOutbox outbox;

    public TranscriptionJobs(SessionFactory sessions, Clock clock, JobChangeListener listener) {
        this(sessions, clock, listener, JobEndOutbox.NONE);
    }

    /** @param outbox written in the transaction that ends a job */
    public TranscriptionJobs(SessionFactory sessions, Clock clock, JobChangeListener listener, JobEndOutbox outbox) {
        this.sessions = sessions;
        this.clock = clock;
        this.listener = listener;
        this.outbox = outbox;
    }

    public Clock clock() {
        return clock;
    }

    public void create(TranscriptionJob job) {
        sessions.inTransaction(session -> {
            session.persist(job);
            session.persist(new JobStageEvent(job));
        });
        listener.changed(job, null);
    }

    /** A job an Idempotency-Key was first sent with, and a digest of that request. */
    public record IdempotentClaim(UUID jobId, String requestSha256, Instant createdAt) {
    }

    /**
     * Creates the job and, in the same transaction, claims {@code key} of {@code owner} for it.
     *
     * @return false, with nothing created, if another request claimed the key first (the primary key decides)
     */
    public boolean createClaiming(TranscriptionJob job, String owner, String key, String requestSha256) {
        try {
            sessions.inTransaction(session -> {
                session.persist(job);
                session.persist(new JobStageEvent(job));
                session.flush();
                session.createNativeMutationQuery("insert into idempotent_submit (owner, idempotency_key,"
                                + " request_sha256, job_id, created_at) values (:owner, :key, :sha, :job, :at)")
                        .setParameter("owner", owner).setParameter("key", key).setParameter("sha", requestSha256)
                        .setParameter("job", job.id()).setParameter("at", job.createdAt())
                        .executeUpdate();
            });
        } catch (org.hibernate.exception.ConstraintViolationException e) {
            return false;
        }
        listener.changed(job, null);
        return true;
    }

    public Optional<IdempotentClaim> claim(String owner, String key) {
        return sessions.fromTransaction(session -> session.createNativeQuery("select job_id, request_sha256,"
                        + " created_at from idempotent_submit where owner = :owner and idempotency_key = :key",
                        Object[].class)
                .setParameter("owner", owner).setParameter("key", key)
                .getResultStream().findFirst()
                .map(row -> new IdempotentClaim((UUID) row[0], ((String) row[1]).strip(), toInstant(row[2]))));
    }

    /** Frees a key whose claim has expired, so that it names a new job. */
    public void releaseClaim(String owner, String key) {
        sessions.inTransaction(session -> session.createNativeMutationQuery("delete from idempotent_submit where"
                        + " owner = :owner and idempotency_key = :key")
                .setParameter("owner", owner).setParameter("key", key).executeUpdate());
    }

    private static Instant toInstant(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof java.time.OffsetDateTime offset) {
            return offset.toInstant();
        }
        return ((java.sql.Timestamp) value).toInstant();
    }

    public Optional<TranscriptionJob> find(UUID id) {
        return Optional.ofNullable(sessions.fromStatelessTransaction(session -> session.get(TranscriptionJob.class, id)));
    }

    /**
     * Applies {@code change} to the locked row and commits it.
     *
     * @return the job as committed, or empty if it does not exist
     */
    public Optional<TranscriptionJob> update(UUID id, Consumer<TranscriptionJob> change) {
        JobStatus[] before = new JobStatus[1];
        TranscriptionJob changed = sessions.fromTransaction(session -> {
            TranscriptionJob job = session.find(TranscriptionJob.class, id, LockModeType.PESSIMISTIC_WRITE);
            if (job != null) {
                before[0] = job.status();
                Optional<JobStage> stageBefore = job.stage();
                change.accept(job);
                if (job.status() != before[0] || !job.stage().equals(stageBefore)) {
                    session.persist(new JobStageEvent(job));
                }
                if (job.status() != before[0] && job.status().isFinished()) {
                    outbox.ended(session, job);
                }
            }
            return job;
        });
        if (changed != null) {
            listener.changed(changed, before[0]);
        }
        return Optional.ofNullable(changed);
    }

    /**
     * Stores the transcript and the attempt that made it, and marks the job completed, in one transaction: there is
     * never a completed job without its transcript or its completed attempt, nor a transcript of a job that is still
     * running. A job that already has a transcript is left as it is.
     *
     * @return false if the job had finished already (completed, failed or canceled) and nothing was stored
     */
    public boolean complete(UUID id, Transcript transcript, JobAttempt attempt) {
        TranscriptionJob completed = sessions.fromTransaction(session -> {
            TranscriptionJob job = session.find(TranscriptionJob.class, id, LockModeType.PESSIMISTIC_WRITE);
            if (job == null || job.status().isFinished() || session.find(Transcript.class, id) != null) {
                return null;
            }
            session.persist(transcript);
            session.persist(attempt);
            session.createMutationQuery("delete from ChunkCheckpoint c where c.key.jobId = :id")
                    .setParameter("id", id).executeUpdate();
            session.createNativeMutationQuery("delete from transcript_chunk_claim where job_id = :id")
                    .setParameter("id", id).executeUpdate();
            job.complete(clock.instant());
            session.persist(new JobStageEvent(job));
            outbox.ended(session, job);
            return job;
        });
        if (completed == null) {
            return false;
        }
        listener.changed(completed, JobStatus.PROCESSING);
        return true;
    }

    /**
     * The newest completed job of the same key with the same media bytes and options as {@code job}, whose
     * transcript {@code model} made: its result can stand in for running Whisper again.
     */
    public Optional<UUID> reusable(TranscriptionJob job, String sha256, String model) {
        if (job.ownerKey().isEmpty()) {
            return Optional.empty();
        }
        // Only the transcript's model is compared, in the query: its segments are never loaded here.
        return sessions.fromStatelessTransaction(session -> session
                .createSelectionQuery("select j from TranscriptionJob j, Transcript t where t.jobId = j.id"
                        + " and j.ownerKey = :owner and j.mediaSha256 = :sha and j.status = :completed"
                        + " and j.id <> :id and t.model = :model order by j.completedAt desc", TranscriptionJob.class)
                .setParameter("owner", job.ownerKey().get()).setParameter("sha", sha256)
                .setParameter("completed", JobStatus.COMPLETED).setParameter("id", job.id())
                .setParameter("model", model)
                .setMaxResults(20).getResultList())
                .stream()
                .filter(earlier -> earlier.options().equals(job.options()))
                .map(TranscriptionJob::id)
                .findFirst();
    }

    /**
     * Completes an ingesting job with a copy of an earlier job's transcript and findings, in one transaction, so
     * that either job can be deleted without touching the other.
     *
     * @return false if either job changed meanwhile (nothing is stored; the caller goes on as usual)
     */
    public boolean completeAsCopy(UUID id, UUID earlierId, String key, long sizeBytes, String sha256) {
        TranscriptionJob completed = sessions.fromTransaction(session -> {
            TranscriptionJob job = session.find(TranscriptionJob.class, id, LockModeType.PESSIMISTIC_WRITE);
            TranscriptionJob earlier = session.find(TranscriptionJob.class, earlierId);
            Transcript transcript = session.find(Transcript.class, earlierId);
            if (job == null || job.status() != JobStatus.PROCESSING || earlier == null
                    || earlier.status() != JobStatus.COMPLETED || transcript == null
                    || session.find(Transcript.class, id) != null) {
                return null;
            }
            Instant now = clock.instant();
            session.persist(transcript.copyFor(id, now));
            job.hashed(sha256);
            job.completeAsCopyOf(earlier, key, sizeBytes, now);
            session.persist(new JobStageEvent(job));
            outbox.ended(session, job);
            return job;
        });
        if (completed == null) {
            return false;
        }
        listener.changed(completed, JobStatus.PROCESSING);
        return true;
    }

    /**
     * Like {@link #update}, for the worker: a job canceled meanwhile is left alone and the worker is told.
     *
     * @throws JobCanceledException if the job is canceled
     */
    public void advance(UUID id, Consumer<TranscriptionJob> change) {
        update(id, job -> {
            if (job.status() == JobStatus.CANCELED) {
                throw new JobCanceledException(id);
            }
            change.accept(job);
        });
    }

    public void recordAttempt(JobAttempt attempt) {
        sessions.inTransaction(session -> session.persist(attempt));
    }

    public List<JobAttempt> attempts(UUID id) {
        return sessions.fromStatelessTransaction(session -> session
                .createSelectionQuery("from JobAttempt where jobId = :id order by attempt", JobAttempt.class)
                .setParameter("id", id)
                .getResultList());
    }

    /** The job's moves between statuses and stages, oldest first. */
    public List<JobStageEvent> timeline(UUID id) {
        return sessions.fromStatelessTransaction(session -> session
                .createSelectionQuery("from JobStageEvent where jobId = :id order by id", JobStageEvent.class)
                .setParameter("id", id)
                .getResultList());
    }

    public Optional<Transcript> transcript(UUID id) {
        return sessions.fromTransaction(session -> {
            Transcript transcript = session.find(Transcript.class, id);
            if (transcript == null) {
                return Optional.empty();
            }
            transcript.segments().size();
            return Optional.of(transcript);
        });
    }

    /**
     * Unfinished jobs in (created_at, id) order, after the given one: a page for the reconciler.
     *
     * @param after the last job of the previous page, or empty for the first page
     */
    public List<TranscriptionJob> unfinished(Optional<TranscriptionJob> after, int limit) {
        Instant afterCreated = after.map(TranscriptionJob::createdAt).orElse(Instant.EPOCH);
        UUID afterId = after.map(TranscriptionJob::id).orElse(new UUID(0, 0));
        return sessions.fromStatelessTransaction(session -> session
                .createSelectionQuery("from TranscriptionJob where status in (:statuses) and (createdAt > :created"
                        + " or (createdAt = :created and id > :id)) order by createdAt, id", TranscriptionJob.class)
                .setParameter("statuses", List.of(JobStatus.QUEUED, JobStatus.PROCESSING))
                .setParameter("created", afterCreated)
                .setParameter("id", afterId)
                .setMaxResults(limit)
                .getResultList());
    }

    /**
     * A page of jobs, newest first, optionally of one status and with a file name containing {@code search}
     * (case-insensitive).
     *
     * @param ids    only these jobs (those of them the owner has); empty for all of the owner's jobs
     * @param before the (created_at, id) of the last job of the previous page, or empty for the first page
     */
    public List<TranscriptionJob> page(Owner owner, Optional<Set<UUID>> ids, Optional<JobStatus> status,
                                       Optional<String> search, Optional<PageMark> before, int limit) {
        if (ids.isPresent() && ids.get().isEmpty()) {
            return List.of();
        }
        StringBuilder query = new StringBuilder("from TranscriptionJob where 1 = 1");
        if (!owner.anyone()) {
            query.append(owner.key().isPresent() ? " and ownerKey = :owner" : " and ownerKey is null");
        }
        ids.ifPresent(ignored -> query.append(" and id in (:ids)"));
        status.ifPresent(ignored -> query.append(" and status = :status"));
        search.ifPresent(ignored -> query.append(" and lower(filename) like :search escape '\\'"));
        before.ifPresent(ignored -> query.append(" and (createdAt < :created or (createdAt = :created and id < :id))"));
        query.append(" order by createdAt desc, id desc");
        return sessions.fromStatelessTransaction(session -> {
            var select = session.createSelectionQuery(query.toString(), TranscriptionJob.class);
            if (!owner.anyone()) {
                owner.key().ifPresent(key -> select.setParameter("owner", key));
            }
            ids.ifPresent(value -> select.setParameterList("ids", value));
            status.ifPresent(value -> select.setParameter("status", value));
            search.ifPresent(value -> select.setParameter("search", "%" + value.toLowerCase(java.util.Locale.ROOT)
                    .replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"));
            before.ifPresent(mark -> select.setParameter("created", mark.createdAt()).setParameter("id", mark.id()));
            return select.setMaxResults(limit).getResultList();
        });
    }

    /** Whose jobs a page shows: every job (admins), one key's, or the anonymous ones. */
    public record Owner(boolean anyone, Optional<UUID> key) {
        public static final Owner ANYONE = new Owner(true, Optional.empty());

        public static Owner of(Optional<UUID> key) {
            return new Owner(false, key);
        }
    }

    /** Where a page of {@link #page} ended. */
    public record PageMark(Instant createdAt, UUID id) {
    }
}
