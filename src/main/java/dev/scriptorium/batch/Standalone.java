package dev.scriptorium.batch;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import dev.scriptorium.app.Application;
import dev.scriptorium.app.Role;
import dev.scriptorium.app.ScriptoriumConfig;
import dev.scriptorium.whisper.ModelStatus;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * A {@code serve} in this process, on embedded defaults in a data directory of its own, for a batch given no server:
 * it listens on a free loopback port only, logs to a file there instead of over the progress display, and is closed
 * (its embedded PostgreSQL, S3 and Redis stopped) when the batch ends or the JVM exits.
 */
final class Standalone implements AutoCloseable {
    /** Settings that would point serve at someone else's services: a standalone run owns all of its own. */
    private static final List<String> EXTERNAL = List.of("DATABASE_URL", "DATABASE_USER", "DATABASE_PASSWORD",
            "S3_ENDPOINT", "S3_ACCESS_KEY", "S3_SECRET_KEY", "S3_BUCKET", "REDIS_URL");
    private final Application application;
    private final Thread onExit;
    private boolean closed;

    private Standalone(Application application) {
        this.application = application;
        this.onExit = new Thread(this::closeOnce, "transcribe-standalone-stop");
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    static Standalone start(Path dataDir, Map<String, String> environment) throws Exception {
        Files.createDirectories(dataDir);
        Path log = dataDir.resolve("transcribe.log");
        logTo(log);
        Map<String, String> env = new HashMap<>(environment);
        EXTERNAL.forEach(env::remove);
        env.put("DATA_DIR", dataDir.toString());
        env.put("HTTP_HOST", "127.0.0.1");
        env.put("HTTP_PORT", "0");
        env.put("MANAGEMENT_PORT", "0");
        env.put("DASHBOARD_PORT", "0");
        env.put("ANONYMOUS_ACCESS", "true");
        // One user on one machine: the public server's limits would only slow the batch down.
        env.put("RATE_LIMIT_UPLOADS_PER_MINUTE", "0");
        env.put("RATE_LIMIT_REQUESTS_PER_MINUTE", "0");
        return new Standalone(Application.start(Role.SERVE, ScriptoriumConfig.fromEnvironment(env)));
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + application.httpPort().orElseThrow());
    }

    Optional<ModelStatus> model() {
        return application.modelStatus();
    }

    /** The server's log goes to a file: on a terminal it would tear through the progress bars. */
    private static void logTo(Path file) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setName("TRANSCRIBE_LOG");
        appender.setFile(file.toString());
        appender.setEncoder(encoder);
        appender.start();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
    }

    private synchronized void closeOnce() {
        if (!closed) {
            closed = true;
            application.close();
        }
    }

    @Override
    public void close() {
        closeOnce();
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs, or ran, already.
        }
    }
}
