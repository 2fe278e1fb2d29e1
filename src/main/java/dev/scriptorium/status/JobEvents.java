package dev.scriptorium.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scriptorium.transcription.JobChangeListener;
import dev.scriptorium.transcription.JobStatus;
import dev.scriptorium.transcription.TranscriptionJob;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * Publishes every committed job change to Redis: the job's API view as a status entry, and the same view as a
 * message on the job's channel. Redis is a cache and a bus here, never the source of truth: a Redis failure is
 * logged and otherwise ignored, and entries expire (an unfinished job's soon), so that a change whose publication
 * was lost is not served for long. Thread-safe: {@link RedisClient} pools its connections.
 */
public final class JobEvents implements JobChangeListener {
    private static final Logger log = LoggerFactory.getLogger(JobEvents.class);
    /** A finished job changes rarely (legal hold, deletion evicts it); an unfinished one all the time. */
    public static final long FINISHED_TTL_SECONDS = 3600;
    public static final long UNFINISHED_TTL_SECONDS = 60;
    private final RedisClient redis;
    private final ObjectMapper json;
    private final Encoder encoder;
    private final AtomicBoolean failing = new AtomicBoolean();

    /** Renders a job as cached and published (e.g. its API view). */
    @FunctionalInterface
    public interface Encoder {
        String encode(TranscriptionJob job) throws JsonProcessingException;
    }

    public JobEvents(RedisClient redis, ObjectMapper json, Encoder encoder) {
        this.redis = redis;
        this.json = json;
        this.encoder = encoder;
    }

    /** Channels of all jobs, for one pattern subscription per process. */
    public static final String CHANNEL_PATTERN = "scriptorium:jobs:*";

    public static String channel(UUID jobId) {
        return "scriptorium:jobs:" + jobId;
    }

    public static String statusKey(UUID jobId) {
        return "scriptorium:job-status:" + jobId;
    }

    @Override
    public void changed(TranscriptionJob job, JobStatus before) {
        try {
            String message = encoder.encode(job);
            long ttl = job.status().isFinished() ? FINISHED_TTL_SECONDS : UNFINISHED_TTL_SECONDS;
            redis.set(statusKey(job.id()), message, SetParams.setParams().ex(ttl));
            redis.publish(channel(job.id()), message);
            if (failing.compareAndSet(true, false)) {
                log.info("Publishing job changes to Redis works again");
            }
        } catch (JsonProcessingException | RuntimeException e) {
            // Once per outage, not once per job change: a Redis that is down would otherwise fill the log.
            if (failing.compareAndSet(false, true)) {
                log.warn("Could not publish the change of job {} to Redis: {}; status is served from PostgreSQL"
                        + " until Redis is back", job.id(), e.getMessage());
            } else {
                log.debug("Could not publish the change of job {} to Redis: {}", job.id(), e.getMessage());
            }
        }
    }
}
