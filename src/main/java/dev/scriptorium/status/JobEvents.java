package dev.scriptorium.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scriptorium.transcription.JobChangeListener;
import dev.scriptorium.transcription.TranscriptionJob;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * Publishes every committed job change to Redis: a short-lived status entry and a message on the job's channel.
 * Redis is a cache and a bus here, never the source of truth, so a Redis failure is logged and otherwise ignored.
 * Thread-safe: {@link RedisClient} pools its connections.
 */
public final class JobEvents implements JobChangeListener {
    private static final Logger log = LoggerFactory.getLogger(JobEvents.class);
    private static final long STATUS_TTL_SECONDS = 3600;
    private final RedisClient redis;
    private final ObjectMapper json;

    public JobEvents(RedisClient redis, ObjectMapper json) {
        this.redis = redis;
        this.json = json;
    }

    public static String channel(UUID jobId) {
        return "scriptorium:jobs:" + jobId;
    }

    public static String statusKey(UUID jobId) {
        return "scriptorium:job-status:" + jobId;
    }

    @Override
    public void changed(TranscriptionJob job) {
        try {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("id", job.id());
            event.put("status", job.status().apiName());
            event.put("stage", job.stage().map(stage -> stage.apiName()).orElse(null));
            event.put("processed_seconds", job.processedSeconds());
            event.put("updated_at", job.updatedAt().toString());
            String message = json.writeValueAsString(event);
            redis.set(statusKey(job.id()), message, SetParams.setParams().ex(STATUS_TTL_SECONDS));
            redis.publish(channel(job.id()), message);
        } catch (JsonProcessingException | RuntimeException e) {
            log.warn("Could not publish the change of job {} to Redis: {}", job.id(), e.getMessage());
        }
    }
}
