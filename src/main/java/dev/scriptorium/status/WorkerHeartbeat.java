package dev.scriptorium.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scriptorium.app.ProcessName;
import dev.scriptorium.sandbox.Sandbox;
import dev.scriptorium.sandbox.WorkerSlots;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * Tells the admin view, through Redis, that this worker is alive and what each of its slots is doing: every few
 * seconds a short-lived entry with its device, model and slots. A worker that stops beating drops out of the view
 * when its entry expires. Redis unreachable only hides the worker from that view. Thread-safe.
 */
public final class WorkerHeartbeat implements AutoCloseable {
    public static final String KEY_PREFIX = "scriptorium:worker:";
    private static final Logger log = LoggerFactory.getLogger(WorkerHeartbeat.class);
    private static final long EVERY_SECONDS = 5;
    private final ScheduledExecutorService executor;

    /**
     * @param model the file name of the worker's model (it may change: a synthetic stand-in gives way to the real one)
     * @param slots the worker's slots, once its model is loaded
     */
    public WorkerHeartbeat(RedisClient redis, ObjectMapper json, String device, Supplier<String> model,
                           Supplier<Optional<WorkerSlots>> slots) {
        String name = ProcessName.current();
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "worker-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(() -> {
            try {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("name", name);
                entry.put("device", device);
                entry.put("model", model.get());
                List<Map<String, Object>> busy = new ArrayList<>();
                Optional<WorkerSlots> current = slots.get();
                entry.put("model_loaded", current.isPresent());
                entry.put("slots", current.map(WorkerSlots::size).orElse(0));
                for (Sandbox sandbox : current.map(WorkerSlots::sandboxes).orElse(List.of())) {
                    sandbox.currentJob().ifPresent(job -> busy.add(Map.of("slot", sandbox.slot(), "job_id", job)));
                }
                entry.put("busy", busy);
                entry.put("seen_at", Instant.now().toString());
                redis.set(KEY_PREFIX + name, json.writeValueAsString(entry),
                        SetParams.setParams().ex(EVERY_SECONDS * 3));
            } catch (Exception e) {
                log.debug("Worker heartbeat not written: {}", e.toString());
            }
        }, 0, EVERY_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
