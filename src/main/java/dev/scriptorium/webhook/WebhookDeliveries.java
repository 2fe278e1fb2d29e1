package dev.scriptorium.webhook;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** The webhook outbox and its attempt log in PostgreSQL. Each method is one transaction. Thread-safe. */
public final class WebhookDeliveries {
    private static final String COLUMNS = "id, job_id, event_type, url, owner_key, payload, status, attempts,"
            + " next_attempt_at, created_at, delivered_at";
    private final DataSource dataSource;

    public WebhookDeliveries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Optional<WebhookDelivery> find(String id) {
        List<WebhookDelivery> found = select("select " + COLUMNS + " from webhook_delivery where id = ?", id);
        return found.stream().findFirst();
    }

    /** The job's events, oldest first, each with its attempts. */
    public List<WebhookDelivery> ofJob(UUID jobId) {
        List<WebhookDelivery> deliveries = select("select " + COLUMNS + " from webhook_delivery where job_id = ?"
                + " order by created_at, id", jobId);
        List<WebhookDelivery> logged = new ArrayList<>();
        for (WebhookDelivery delivery : deliveries) {
            logged.add(delivery.withLog(attempts(delivery.id())));
        }
        return logged;
    }

    /** The job's events that no attempt has been made at yet: what a job's end queues. */
    public List<WebhookDelivery> unattempted(UUID jobId) {
        return select("select " + COLUMNS + " from webhook_delivery where job_id = ? and status = 'pending'"
                + " and attempts = 0", jobId);
    }

    /** Pending events whose attempt is overdue by more than a grace period: their queued attempt went missing. */
    public List<WebhookDelivery> overdue(Instant before, int limit) {
        return select("select " + COLUMNS + " from webhook_delivery where status = 'pending' and next_attempt_at < ?"
                + " order by next_attempt_at limit " + limit, Timestamp.from(before));
    }

    /** Fixes the body the first attempt sends; later attempts send the same one. */
    public String fixPayload(String id, String payload) {
        update("update webhook_delivery set payload = ? where id = ? and payload is null", payload, id);
        return find(id).flatMap(WebhookDelivery::payload).orElse(payload);
    }

    /** The secret that signs the events of a key's jobs. */
    public Optional<String> keySecret(UUID key) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "select webhook_secret from api_key where id = ?")) {
            select.setObject(1, key);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.ofNullable(row.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read a key's webhook secret", e);
        }
    }

    /** What an attempt ends in: the delivery's new state. */
    public enum Outcome { DELIVERED, RETRY, FAILED, SUPERSEDED }

    /**
     * Logs automatic attempt {@code number} and moves the delivery on: delivered on a 2xx, otherwise due again at
     * {@code retryAt}, or failed when there is none. If another attempt got there first (the number was taken, or
     * the delivery is no longer pending), the attempt is only logged.
     */
    public Outcome recordAttempt(String id, int number, WebhookDelivery.Attempt attempt, Optional<Instant> retryAt) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Outcome outcome;
                try (PreparedStatement lock = connection.prepareStatement(
                        "select status, attempts from webhook_delivery where id = ? for update")) {
                    lock.setString(1, id);
                    try (ResultSet row = lock.executeQuery()) {
                        if (!row.next()) {
                            connection.rollback();
                            return Outcome.SUPERSEDED;
                        }
                        boolean current = row.getString(1).equals(WebhookDelivery.PENDING)
                                && row.getInt(2) == number - 1;
                        outcome = !current ? Outcome.SUPERSEDED : attempt.succeeded() ? Outcome.DELIVERED
                                : retryAt.isPresent() ? Outcome.RETRY : Outcome.FAILED;
                    }
                }
                insertAttempt(connection, id, attempt);
                if (outcome != Outcome.SUPERSEDED) {
                    try (PreparedStatement move = connection.prepareStatement("update webhook_delivery set attempts"
                            + " = ?, status = ?, next_attempt_at = ?, delivered_at = ? where id = ?")) {
                        move.setInt(1, number);
                        move.setString(2, outcome == Outcome.DELIVERED ? WebhookDelivery.DELIVERED
                                : outcome == Outcome.RETRY ? WebhookDelivery.PENDING : WebhookDelivery.FAILED);
                        move.setTimestamp(3, outcome == Outcome.RETRY ? Timestamp.from(retryAt.get()) : null);
                        move.setTimestamp(4, outcome == Outcome.DELIVERED ? Timestamp.from(attempt.at()) : null);
                        move.setString(5, id);
                        move.executeUpdate();
                    }
                }
                connection.commit();
                return outcome;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not record a webhook attempt", e);
        }
    }

    /** Logs a redelivery; a 2xx marks the event delivered, and pending automatic attempts then stand down. */
    public void recordRedelivery(String id, WebhookDelivery.Attempt attempt) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                try (PreparedStatement lock = connection.prepareStatement(
                        "select 1 from webhook_delivery where id = ? for update")) {
                    lock.setString(1, id);
                    lock.executeQuery().close();
                }
                insertAttempt(connection, id, attempt);
                if (attempt.succeeded()) {
                    try (PreparedStatement move = connection.prepareStatement("update webhook_delivery set status ="
                            + " 'delivered', next_attempt_at = null, delivered_at = coalesce(delivered_at, ?)"
                            + " where id = ?")) {
                        move.setTimestamp(1, Timestamp.from(attempt.at()));
                        move.setString(2, id);
                        move.executeUpdate();
                    }
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not record a webhook redelivery", e);
        }
    }

    private static void insertAttempt(Connection connection, String id, WebhookDelivery.Attempt attempt)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("insert into webhook_attempt (delivery_id,"
                + " attempt, manual, started_at, status_code, error, latency_ms) values (?, (select count(*) + 1"
                + " from webhook_attempt where delivery_id = ?), ?, ?, ?, ?, ?)")) {
            insert.setString(1, id);
            insert.setString(2, id);
            insert.setBoolean(3, attempt.manual());
            insert.setTimestamp(4, Timestamp.from(attempt.at()));
            if (attempt.statusCode().isPresent()) {
                insert.setInt(5, attempt.statusCode().get());
            } else {
                insert.setNull(5, Types.INTEGER);
            }
            insert.setString(6, attempt.error().map(error -> error.length() > 1000 ? error.substring(0, 1000)
                    : error).orElse(null));
            insert.setLong(7, attempt.latencyMs());
            insert.executeUpdate();
        }
    }

    private List<WebhookDelivery.Attempt> attempts(String id) {
        List<WebhookDelivery.Attempt> attempts = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("select attempt, manual, started_at, status_code,"
                     + " error, latency_ms from webhook_attempt where delivery_id = ? order by attempt, id")) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    int status = row.getInt(4);
                    Optional<Integer> statusCode = row.wasNull() ? Optional.empty() : Optional.of(status);
                    attempts.add(new WebhookDelivery.Attempt(row.getInt(1), row.getBoolean(2),
                            row.getTimestamp(3).toInstant(), statusCode, Optional.ofNullable(row.getString(5)),
                            row.getLong(6)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read webhook attempts", e);
        }
        return attempts;
    }

    private List<WebhookDelivery> select(String sql, Object parameter) {
        List<WebhookDelivery> found = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            select.setObject(1, parameter);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    Timestamp next = row.getTimestamp(9);
                    Timestamp delivered = row.getTimestamp(11);
                    found.add(new WebhookDelivery(row.getString(1), row.getObject(2, UUID.class), row.getString(3),
                            URI.create(row.getString(4)), Optional.ofNullable(row.getObject(5, UUID.class)),
                            Optional.ofNullable(row.getString(6)), row.getString(7), row.getInt(8),
                            Optional.ofNullable(next).map(Timestamp::toInstant), row.getTimestamp(10).toInstant(),
                            Optional.ofNullable(delivered).map(Timestamp::toInstant), List.of()));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read webhook deliveries", e);
        }
        return found;
    }

    private void update(String sql, String first, String second) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(sql)) {
            update.setString(1, first);
            update.setString(2, second);
            update.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not update a webhook delivery", e);
        }
    }
}
