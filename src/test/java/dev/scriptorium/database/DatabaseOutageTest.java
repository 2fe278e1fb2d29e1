package dev.scriptorium.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class DatabaseOutageTest {
    @Test
    void aPoolThatCannotGetAConnectionIsAnOutage() {
        RuntimeException failure = new IllegalStateException("could not load job",
                new SQLTransientConnectionException("scriptorium - Connection is not available"));

        assertThat(DatabaseOutage.causedBy(failure)).isTrue();
    }

    @Test
    void aServerThatShutDownOrRefusesConnectionsIsAnOutage() {
        assertThat(DatabaseOutage.causedBy(new RuntimeException(new SQLException("terminating", "57P01")))).isTrue();
        assertThat(DatabaseOutage.causedBy(new SQLException("Connection refused", "08001"))).isTrue();
    }

    @Test
    void aConstraintViolationIsNotAnOutage() {
        assertThat(DatabaseOutage.causedBy(new RuntimeException(new SQLException("duplicate key", "23505"))))
                .isFalse();
        assertThat(DatabaseOutage.causedBy(new IllegalStateException("no such job"))).isFalse();
    }
}
