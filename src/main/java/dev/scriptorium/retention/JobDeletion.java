package dev.scriptorium.retention;

import dev.scriptorium.storage.ObjectStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A user's request to delete a job now: its media, chunk audio, transcript and row. The row stays locked while the
 * objects go and is deleted only after they went, so a failure leaves a job the user can delete again, never a job
 * whose media silently lingers. Thread-safe.
 */
public final class JobDeletion {
    public enum Outcome {
        DELETED,
        NOT_FOUND,
        /** Queued or processing: it must be canceled first. */
        RUNNING,
        LEGAL_HOLD
    }

    private final DataSource dataSource;
    private final ObjectStore store;

    public JobDeletion(DataSource dataSource, ObjectStore store) {
        this.dataSource = dataSource;
        this.store = store;
    }

    public Outcome delete(UUID id) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Outcome outcome = deleteLocked(connection, id);
                connection.commit();
                return outcome;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private Outcome deleteLocked(Connection connection, UUID id) throws SQLException {
        String status;
        boolean legalHold;
        String mediaKey;
        try (PreparedStatement select = connection.prepareStatement(
                "select status, legal_hold, media_key from transcription_job where id = ? for update")) {
            select.setObject(1, id);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Outcome.NOT_FOUND;
                }
                status = row.getString(1);
                legalHold = row.getBoolean(2);
                mediaKey = row.getString(3);
            }
        }
        if (status.equals("QUEUED") || status.equals("PROCESSING")) {
            return Outcome.RUNNING;
        }
        if (legalHold) {
            return Outcome.LEGAL_HOLD;
        }
        List<String> keys = new java.util.ArrayList<>(store.keys("chunks/" + id + "/"));
        if (mediaKey != null) {
            keys.add(mediaKey);
        }
        store.deleteAll(keys);
        try (PreparedStatement delete = connection.prepareStatement("delete from transcription_job where id = ?")) {
            delete.setObject(1, id);
            delete.executeUpdate();
        }
        return Outcome.DELETED;
    }
}
