package dev.upstreamguard.servlet.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/** A real logback appender on one logger, capturing events with their MDC. */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(String loggerName) {
        this.logger = (Logger) LoggerFactory.getLogger(loggerName);
        appender.start();
        logger.addAppender(appender);
    }

    public static LogCapture of(String loggerName) {
        return new LogCapture(loggerName);
    }

    /** The filter's own logger. */
    public static LogCapture filter() {
        return of("dev.upstreamguard.servlet.UpstreamGuardFilter");
    }

    public List<ILoggingEvent> events() {
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }

    public List<ILoggingEvent> events(Predicate<ILoggingEvent> filter) {
        return events().stream().filter(filter).toList();
    }

    /** All captured messages, formatted, joined by newlines. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        events().forEach(e -> sb.append(e.getFormattedMessage()).append('\n'));
        return sb.toString();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
