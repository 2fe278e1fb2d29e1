package dev.scriptorium.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scriptorium.status.WorkerHeartbeat;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The whole system at a glance, for the admin dashboard: queues, jobs by status, stored media, and the workers that
 * beat in the last seconds with what each slot is doing. Thread-safe.
 */
public final class AdminOverview {
    private static final Logger log = LoggerFactory.getLogger(AdminOverview.class);
    private final DataSource dataSource;
    private final RedisClient redis;
    private final ObjectMapper json;
    private final QueueStats queues;
    private final int dashboardPort;

    /** @param dashboardPort the ingest queue's JobRunr dashboard port (the transcribe queue's is the next); 0: off */
    public AdminOverview(DataSource dataSource, RedisClient redis, ObjectMapper json, QueueStats queues,
                         int dashboardPort) {
        this.dataSource = dataSource;
        this.redis = redis;
        this.json = json;
        this.queues = queues;
        this.dashboardPort = dashboardPort;
    }

    public Map<String, Object> read() throws SQLException {
        Map<String, Object> overview = new LinkedHashMap<>();
        overview.put("queues", queues.read());
        Map<String, Long> statuses;
        Map<String, Object> storage = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection()) {
            statuses = JobCounts.byStatus(connection);
            try (PreparedStatement select = connection.prepareStatement("select count(*), coalesce(sum("
                    + "media_size_bytes), 0) from transcription_job where media_key is not null");
                 ResultSet row = select.executeQuery()) {
                row.next();
                storage.put("media_objects", row.getLong(1));
                storage.put("media_bytes", row.getLong(2));
            }
        }
        overview.put("jobs", statuses);
        overview.put("storage", storage);
        overview.put("workers", workers());
        overview.put("dashboards", dashboardPort > 0
                ? Map.of("ingest_port", dashboardPort, "transcribe_port", dashboardPort + 1) : null);
        return overview;
    }

    private List<JsonNode> workers() {
        List<JsonNode> workers = new ArrayList<>();
        try {
            String cursor = ScanParams.SCAN_POINTER_START;
            ScanParams match = new ScanParams().match(WorkerHeartbeat.KEY_PREFIX + "*").count(100);
            do {
                ScanResult<String> page = redis.scan(cursor, match);
                for (String key : page.getResult()) {
                    String entry = redis.get(key);
                    if (entry != null) {
                        workers.add(json.readTree(entry));
                    }
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        } catch (Exception e) {
            log.debug("Workers unknown, Redis unavailable: {}", e.toString());
        }
        workers.sort(java.util.Comparator.comparing(worker -> worker.path("name").asText()));
        return workers;
    }
}
