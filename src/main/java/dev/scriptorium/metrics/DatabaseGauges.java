package dev.scriptorium.metrics;

import dev.scriptorium.admin.JobCounts;
import dev.scriptorium.admin.QueueStats;
import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges read from PostgreSQL at scrape time: jobs by status, and each queue's depth and oldest waiting entry. One
 * role exports them (the scheduler, or serve), so that a cluster reports them once. A failed query leaves the
 * gauges out of that scrape rather than failing it.
 */
public final class DatabaseGauges extends Collector {
    private static final Logger log = LoggerFactory.getLogger(DatabaseGauges.class);
    private final DataSource dataSource;
    private final List<String> queues;

    public DatabaseGauges(DataSource dataSource, List<String> queues) {
        this.dataSource = dataSource;
        this.queues = List.copyOf(queues);
    }

    @Override
    public List<MetricFamilySamples> collect() {
        List<MetricFamilySamples> families = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            GaugeMetricFamily jobs = new GaugeMetricFamily("scriptorium_jobs", "Jobs by status.", List.of("status"));
            JobCounts.byStatus(connection).forEach((status, count) -> jobs.addMetric(List.of(status), count));
            families.add(jobs);
            GaugeMetricFamily depth = new GaugeMetricFamily("scriptorium_queue_depth",
                    "Entries waiting in each queue (JobRunr state ENQUEUED).", List.of("queue"));
            GaugeMetricFamily oldest = new GaugeMetricFamily("scriptorium_queue_oldest_seconds",
                    "Age of the oldest entry waiting in each queue; 0 when none waits.", List.of("queue"));
            for (QueueStats.Queue queue : new QueueStats(dataSource, queues).read()) {
                depth.addMetric(List.of(queue.name()), queue.depth());
                oldest.addMetric(List.of(queue.name()), queue.oldestSeconds());
            }
            families.add(depth);
            families.add(oldest);
        } catch (SQLException e) {
            log.warn("Could not read job and queue gauges: {}", e.getMessage());
        }
        return families;
    }
}
