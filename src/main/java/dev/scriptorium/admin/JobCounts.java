package dev.scriptorium.admin;

import dev.scriptorium.transcription.JobStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/** How many jobs are in each status, every status listed (0 when none), by API name. */
public final class JobCounts {
    private JobCounts() {
    }

    public static Map<String, Long> byStatus(Connection connection) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (JobStatus status : JobStatus.values()) {
            counts.put(status.apiName(), 0L);
        }
        try (PreparedStatement select = connection.prepareStatement(
                "select status, count(*) from transcription_job group by status");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                counts.put(JobStatus.valueOf(rows.getString(1)).apiName(), rows.getLong(2));
            }
        }
        return counts;
    }
}
