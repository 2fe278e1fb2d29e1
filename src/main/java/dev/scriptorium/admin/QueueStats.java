package dev.scriptorium.admin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Each queue's depth, oldest waiting entry and throughput, read from its JobRunr tables. JobRunr writes its
 * timestamps through JDBC in this JVM's zone; they are read back the same way.
 */
public final class QueueStats {
    private final DataSource dataSource;
    private final List<String> queues;

    public QueueStats(DataSource dataSource, List<String> queues) {
        this.dataSource = dataSource;
        this.queues = List.copyOf(queues);
    }

    /** One queue, now. */
    public record Queue(String name, long depth, double oldestSeconds, long succeededLastHour) {
    }

    public List<Queue> read() throws SQLException {
        List<Queue> result = new ArrayList<>();
        Instant now = Instant.now();
        try (Connection connection = dataSource.getConnection()) {
            for (String queue : queues) {
                long depth;
                double oldest;
                try (PreparedStatement select = connection.prepareStatement("select count(*), min(updatedAt) from "
                        + queue + "_jobrunr_jobs where state = 'ENQUEUED'");
                     ResultSet row = select.executeQuery()) {
                    row.next();
                    depth = row.getLong(1);
                    Timestamp since = row.getTimestamp(2);
                    oldest = since == null ? 0 : Math.max(0, Duration.between(since.toInstant(), now).toMillis() / 1000.0);
                }
                long succeeded;
                try (PreparedStatement select = connection.prepareStatement("select count(*) from " + queue
                        + "_jobrunr_jobs where state = 'SUCCEEDED' and updatedAt > ?")) {
                    select.setTimestamp(1, Timestamp.from(now.minus(Duration.ofHours(1))));
                    try (ResultSet row = select.executeQuery()) {
                        row.next();
                        succeeded = row.getLong(1);
                    }
                }
                result.add(new Queue(queue, depth, oldest, succeeded));
            }
        }
        return result;
    }
}
