package dev.upstreamguard.examples.gateway;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** The log events of the running application, as logback hands them to its appenders (MDC included). */
final class CapturedLogs implements AutoCloseable {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root;

    private CapturedLogs() {
        root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
        appender.setContext(root.getLoggerContext());
        appender.start();
        root.addAppender(appender);
    }

    /** Starts capturing; call it after the application started (Spring Boot resets logback at start-up). */
    static CapturedLogs start() {
        return new CapturedLogs();
    }

    /** The events whose MDC holds {@code correlationId}, in order. */
    List<ILoggingEvent> withCorrelationId(String correlationId) {
        synchronized (appender) {
            return appender.list.stream()
                    .filter(e -> correlationId.equals(e.getMDCPropertyMap().get("correlationId")))
                    .toList();
        }
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }
}
