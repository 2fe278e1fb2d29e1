package dev.scriptorium.web;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.scriptorium.access.Caller;
import dev.scriptorium.status.JobEvents;
import dev.scriptorium.transcription.TranscriptionJob;
import dev.scriptorium.transcription.TranscriptionJobs;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * A job's status as the API shows it: from the Redis status cache when it is there, from PostgreSQL otherwise (then
 * put in the cache, unless a newer entry got there first). Redis down or flushed costs speed, never correctness.
 * Thread-safe.
 */
final class JobStatusReader {
    private static final Logger log = LoggerFactory.getLogger(JobStatusReader.class);
    private final RedisClient redis;
    private final ObjectMapper json;
    private final ObjectReader reader;
    private final TranscriptionJobs jobs;
    private final WaitingReasons waiting;

    JobStatusReader(RedisClient redis, ObjectMapper json, TranscriptionJobs jobs, WaitingReasons waiting) {
        this.redis = redis;
        this.json = json;
        // Nodes of different versions share the cache: a field this one does not know is skipped.
        this.reader = json.readerFor(JobView.class).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        this.jobs = jobs;
        this.waiting = waiting;
    }

    /** The job as the caller may see it; empty if it does not exist or belongs to someone else. */
    Optional<JobView> read(UUID id, Caller caller) {
        return entry(id, caller).flatMap(this::view);
    }

    /**
     * The job's cache entry as the caller may see it, for answering without parsing. Its view lacks the waiting
     * reason, which only a queued job can have.
     */
    Optional<StatusEntry> entry(UUID id, Caller caller) {
        StatusEntry entry = cached(id).orElse(null);
        if (entry == null) {
            Optional<TranscriptionJob> job = jobs.find(id);
            if (job.isEmpty()) {
                return Optional.empty();
            }
            String encoded;
            try {
                encoded = StatusEntry.encode(json, job.get());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            entry = StatusEntry.decode(encoded).orElseThrow();
            fill(id, encoded, entry.finished());
        }
        return caller.maySee(entry.owner().orElse(null)) ? Optional.of(entry) : Optional.empty();
    }

    /** A message of the status bus, as the caller may see it. */
    Optional<JobView> parse(String message, Caller caller) {
        return StatusEntry.decode(message).filter(entry -> caller.maySee(entry.owner().orElse(null)))
                .flatMap(this::view);
    }

    private Optional<JobView> view(StatusEntry entry) {
        try {
            JobView view = reader.readValue(entry.viewJson());
            return Optional.of(view.withWaitingReason(waiting.of(view)));
        } catch (Exception e) {
            log.debug("Unreadable status entry: {}", e.toString());
            return Optional.empty();
        }
    }

    /** A job just read from PostgreSQL, as the API shows it. */
    JobView view(TranscriptionJob job) {
        JobView view = JobView.of(job, Optional.empty());
        return view.withWaitingReason(waiting.of(view));
    }

    /** Drops the cached entry, e.g. once the job is deleted. */
    void evict(UUID id) {
        try {
            redis.del(JobEvents.statusKey(id));
        } catch (RuntimeException e) {
            log.debug("Could not evict job {} from the status cache: {}", id, e.toString());
        }
    }

    private Optional<StatusEntry> cached(UUID id) {
        try {
            String entry = redis.get(JobEvents.statusKey(id));
            return entry == null ? Optional.empty() : StatusEntry.decode(entry);
        } catch (Exception e) {
            log.debug("Status cache unavailable for job {}: {}", id, e.toString());
            return Optional.empty();
        }
    }

    /** Only if absent: a worker's write of a newer state must never be replaced by this older read. */
    private void fill(UUID id, String encoded, boolean finished) {
        try {
            long ttl = finished ? JobEvents.FINISHED_TTL_SECONDS : JobEvents.UNFINISHED_TTL_SECONDS;
            redis.set(JobEvents.statusKey(id), encoded, SetParams.setParams().nx().ex(ttl));
        } catch (Exception e) {
            log.debug("Could not fill the status cache for job {}: {}", id, e.toString());
        }
    }
}
