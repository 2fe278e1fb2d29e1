package dev.scriptorium.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.scriptorium.transcription.ChunkCheckpoint;
import dev.scriptorium.transcription.JobAttempt;
import dev.scriptorium.transcription.JobStageEvent;
import dev.scriptorium.transcription.Transcript;
import dev.scriptorium.transcription.TranscriptionJob;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;

/**
 * The PostgreSQL connection pool, the schema (migrated by Flyway at start-up) and Hibernate's session factory over it.
 * Thread-safe; close it once, from the composition root, after everything that uses it.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final SessionFactory sessions;

    private Database(HikariDataSource dataSource, SessionFactory sessions) {
        this.dataSource = dataSource;
        this.sessions = sessions;
    }

    public static Database open(String jdbcUrl, String user, String password, int poolSize) {
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(jdbcUrl);
        pool.setUsername(user);
        pool.setPassword(password);
        pool.setMaximumPoolSize(poolSize);
        pool.setPoolName("scriptorium");
        pool.setInitializationFailTimeout(30_000);
        HikariDataSource dataSource = new HikariDataSource(pool);
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .table("scriptorium_schema_history")
                    .load()
                    .migrate();
            return new Database(dataSource, buildSessionFactory(dataSource));
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    private static SessionFactory buildSessionFactory(DataSource dataSource) {
        Configuration configuration = new Configuration()
                .addAnnotatedClass(TranscriptionJob.class)
                .addAnnotatedClass(Transcript.class)
                .addAnnotatedClass(JobAttempt.class)
                .addAnnotatedClass(ChunkCheckpoint.class)
                .addAnnotatedClass(JobStageEvent.class);
        configuration.getProperties().put(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, dataSource);
        configuration.setProperty(AvailableSettings.JAKARTA_HBM2DDL_DATABASE_ACTION, "none");
        configuration.setProperty(AvailableSettings.HBM2DDL_AUTO, "validate");
        configuration.setProperty(AvailableSettings.STATEMENT_BATCH_SIZE, "200");
        configuration.setProperty(AvailableSettings.ORDER_INSERTS, "true");
        configuration.setProperty(AvailableSettings.SHOW_SQL, "false");
        return configuration.buildSessionFactory();
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public SessionFactory sessions() {
        return sessions;
    }

    /** Throws if PostgreSQL cannot answer a trivial query. */
    public void check() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.createStatement().execute("select 1");
        }
    }

    @Override
    public void close() {
        sessions.close();
        dataSource.close();
    }
}
