package dev.upstreamguard.core.internal;

import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.core.classify.Classification;
import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.core.deadline.RequestContext;
import dev.upstreamguard.core.metrics.UpstreamMetrics;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Turns a failed call into an {@link UpstreamException}, one log line and the call metric, and remembers the
 * last failure for health checks. One per upstream.
 */
public final class FailureReport {
    private static final Logger LOG = LoggerFactory.getLogger("dev.upstreamguard.core.Upstream");
    /** Recorded by the breaker for answers that are failures without an exception (5xx, failed validation). */
    private static final IOException FAILED_RESPONSE = new IOException("upstream response failed", null) {
        private static final long serialVersionUID = 1L;

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    };

    private final UpstreamPolicy policy;
    private final UpstreamMetrics metrics;
    // The last failure is kept as its parts and assembled when asked for (by health checks, rarely): recording
    // it is on every rejection's path, where an Instant and a record per call would cost more than the check.
    private volatile FailureKind lastKind;
    private volatile long lastAtMillis;

    public FailureReport(UpstreamPolicy policy, UpstreamMetrics metrics) {
        this.policy = policy;
        this.metrics = metrics;
    }

    /** The last failure, or {@code null} when none happened yet. */
    public LastFailure lastFailure() {
        FailureKind kind = lastKind;
        return kind == null ? null : new LastFailure(kind, Instant.ofEpochMilli(lastAtMillis));
    }

    /** The last failure of an upstream: its kind and when it happened. */
    public record LastFailure(FailureKind kind, Instant at) {
    }

    Throwable breakerSignal(AttemptResult failed) {
        return failed.cause != null ? failed.cause : FAILED_RESPONSE;
    }

    UpstreamException failure(String upstream, String method, AttemptResult last, int attempts, String stopReason,
            long elapsedNanos) {
        FailureKind kind = last.failure.kind();
        StringBuilder details = new StringBuilder(last.failure.details());
        if (attempts > 1) {
            details.append("; ").append(attempts).append(" attempts");
        }
        if (stopReason != null) {
            details.append("; ").append(stopReason);
        }
        UpstreamException.Builder b = UpstreamException.builder(upstream, kind)
                .details(details.toString())
                .attempts(attempts)
                .elapsed(Duration.ofNanos(elapsedNanos))
                .receivedStatus(last.receivedStatus)
                .cause(last.cause);
        if (kind == FailureKind.UPSTREAM_STATUS) {
            int received = last.receivedStatus;
            b.status(received == 503 || received == 504 ? received : 502);
            if (received == 503 && last.retryAfter != null) {
                b.retryAfter(min(last.retryAfter, policy.maxRetryAfter()));
            }
        } else if (kind == FailureKind.CONNECTION_LIMIT_REACHED) {
            b.retryAfter(Duration.ofSeconds(1));
        }
        UpstreamException e = b.build();
        record(e, method, false);
        return e;
    }

    UpstreamException rejection(String upstream, String method, FailureKind kind, String details,
            Duration retryAfter, int attempts, long elapsedNanos) {
        UpstreamException e = UpstreamException.builder(upstream, kind)
                .details(details)
                .attempts(attempts)
                .elapsed(Duration.ofNanos(elapsedNanos))
                .retryAfter(retryAfter == null ? null : min(retryAfter, policy.maxRetryAfter()))
                .captureStackTrace(false)
                .build();
        record(e, method, true);
        return e;
    }

    /**
     * A streamed body failed after its response was handed to the caller: the exception its {@code read()}
     * throws, and the log line. The call itself was recorded as answered when the headers arrived.
     */
    UpstreamException streamFailure(String upstream, String method, Classification c, int receivedStatus,
            int attempts, long bytes, Throwable cause, long elapsedNanos) {
        UpstreamException e = UpstreamException.builder(upstream, c.kind())
                .details(c.details() + "; after " + bytes + " body bytes")
                .attempts(attempts)
                .elapsed(Duration.ofNanos(elapsedNanos))
                .receivedStatus(receivedStatus)
                .cause(cause)
                .build();
        remember(e);
        log(e, false);
        return e;
    }

    /** A streamed body dropped unclosed before its end, released by the collector: a bug in the caller. */
    void droppedStream(String upstream, String method, long bytes) {
        LOG.warn("streamed response dropped without close(): upstream={} method={} bodyBytesRead={}; its connection "
                + "stayed leased until the garbage collector found it, then was closed. Close every StreamedResponse "
                + "(try-with-resources).", upstream, method, bytes);
    }

    private void record(UpstreamException e, String method, boolean rejected) {
        remember(e);
        metrics.callCompleted(e.upstream(), method, e.kind(), rejected, e.status(), e.elapsed().toNanos());
        log(e, rejected);
    }

    private void remember(UpstreamException e) {
        lastAtMillis = System.currentTimeMillis();
        lastKind = e.kind();
    }

    private void log(UpstreamException e, boolean rejected) {
        if (rejected ? LOG.isInfoEnabled() : LOG.isWarnEnabled()) {
            String line = "upstream call failed: upstream={} layer={} kind={} error={} status={} received={}"
                    + " attempts={} elapsedMs={} correlationId={} details=\"{}\" cause={}";
            Object[] args = {e.upstream(), layer(e.kind(), e.details()), e.kind().tagValue(),
                e.kind().errorType() == null ? "-" : e.kind().errorType(), e.status(),
                e.receivedStatus(), e.attempts(), e.elapsed().toMillis(), correlationId(), e.details(),
                e.getCause() == null ? "-" : e.getCause().getClass().getName()};
            if (rejected) {
                LOG.info(line, args);
            } else {
                LOG.warn(line, args);
            }
        }
    }

    /**
     * The layer that failed, as an operator looks for it: {@code dns}, {@code tcp}, {@code tls}, {@code http}, or
     * {@code guard} when this library refused the call itself (breaker, bulkhead, deadline, configuration).
     */
    static String layer(FailureKind kind, String details) {
        return switch (kind) {
            case DNS_ERROR -> "dns";
            case CONNECTION_TIMEOUT -> details != null && details.startsWith("TLS") ? "tls" : "tcp";
            case CONNECTION_REFUSED, DESTINATION_IP_UNROUTABLE, DESTINATION_IP_PROHIBITED,
                    CONNECTION_TERMINATED -> "tcp";
            case TLS_ALERT_RECEIVED, TLS_CERTIFICATE_ERROR, TLS_PROTOCOL_ERROR -> "tls";
            case CIRCUIT_OPEN, CONNECTION_LIMIT_REACHED, DEADLINE_EXCEEDED, CONFIGURATION_ERROR,
                    INTERNAL_ERROR -> "guard";
            default -> "http";
        };
    }

    private static String correlationId() {
        RequestContext rc = RequestContext.current();
        String id = rc == null ? null : rc.correlationId();
        return id != null ? id : MDC.get(AttemptExecutor.MDC_KEY);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
