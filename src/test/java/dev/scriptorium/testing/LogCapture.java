package dev.scriptorium.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Collects what this JVM logs (at INFO and above, as configured) while it is open, for tests about log lines. */
public final class LogCapture implements AutoCloseable {
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public LogCapture() {
        appender.start();
        root.addAppender(appender);
    }

    /** Every line so far as "LEVEL message", oldest first. */
    public List<String> lines() {
        synchronized (appender) {
            return appender.list.stream().map(event -> event.getLevel() + " " + event.getFormattedMessage()).toList();
        }
    }

    /** The lines that contain every one of {@code parts}. */
    public List<String> linesWith(String... parts) {
        return lines().stream().filter(line -> List.of(parts).stream().allMatch(line::contains)).toList();
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }
}
