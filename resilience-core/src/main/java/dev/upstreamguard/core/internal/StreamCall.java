package dev.upstreamguard.core.internal;

import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.classify.Classification;
import dev.upstreamguard.core.classify.FailureClassifier;
import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.core.deadline.NanoClock;
import dev.upstreamguard.core.metrics.UpstreamMetrics;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.classic.ExecRuntime;

/**
 * What is left of a call once its streamed response was handed to the caller: the connection, the bulkhead
 * permit and the request deadline's watch, until the body ends. Ends once, whichever comes first: the end of the
 * body, a failure, or the caller closing the body early.
 */
final class StreamCall {
    private final String upstream;
    private final String method;
    private final int status;
    private final int attempts;
    private final CircuitBreaker breaker;
    private final Bulkhead bulkhead;
    private final UpstreamMetrics metrics;
    private final FailureReport report;
    private final ExecRuntime runtime;
    /** Closes the connection when the request deadline passes; null without a request deadline. */
    private final AttemptWatchdog.Slot deadlineWatch;
    private final NanoClock clock;
    private final long callStart;
    private final long headersAt;
    private final String stallDetails;
    private final AtomicBoolean ended = new AtomicBoolean();
    /** Body bytes handed to the caller; written by the reading thread only. */
    private volatile long bytes;

    StreamCall(String upstream, String method, int status, int attempts, CircuitBreaker breaker, Bulkhead bulkhead,
            UpstreamMetrics metrics, FailureReport report, ExecRuntime runtime, AttemptWatchdog.Slot deadlineWatch,
            NanoClock clock, long callStart, long stallMillis) {
        this.upstream = upstream;
        this.method = method;
        this.status = status;
        this.attempts = attempts;
        this.breaker = breaker;
        this.bulkhead = bulkhead;
        this.metrics = metrics;
        this.report = report;
        this.runtime = runtime;
        this.deadlineWatch = deadlineWatch;
        this.clock = clock;
        this.callStart = callStart;
        this.headersAt = clock.nanoTime();
        this.stallDetails = "response body stalled (no byte for " + stallMillis + " ms)";
    }

    /** {@code n} more body bytes reached the caller. */
    void delivered(int n) {
        long before = bytes;
        if (before == 0) {
            metrics.streamFirstByte(upstream, clock.nanoTime() - callStart);
        }
        bytes = before + n;
    }

    /** Body bytes handed to the caller so far. */
    long bytes() {
        return bytes;
    }

    /**
     * Ends the call: disarms the deadline's watch and returns the bulkhead permit.
     *
     * @return {@code null} when it had ended already, else whether the body ended before the request deadline
     */
    Boolean end() {
        if (!ended.compareAndSet(false, true)) {
            return null;
        }
        try {
            return deadlineWatch == null || deadlineWatch.finish();
        } finally {
            bulkhead.onComplete();
        }
    }

    /** The body was read to its end (HttpClient has released the connection, kept alive when it can be). */
    void completed(long bytes) {
        metrics.streamEnded(upstream, "complete", null, bytes, clock.nanoTime() - headersAt);
    }

    /** The body ended in time but the deadline's watch had fired: what an EOF-delimited body shows as its end. */
    UpstreamException deadlinePassed(long bytes) {
        return failed(null, bytes, false);
    }

    /**
     * The upstream broke the body: closes the connection, records a failed call in the breaker, logs it.
     *
     * @return the exception {@code read()} throws
     */
    UpstreamException failed(Throwable error, long bytes, boolean inTime) {
        runtime.discardEndpoint();
        Classification c = !inTime
                ? new Classification(FailureKind.HTTP_RESPONSE_TIMEOUT,
                        "response body not complete before the deadline")
                : stalled(error) ? new Classification(FailureKind.HTTP_RESPONSE_TIMEOUT, stallDetails)
                : FailureClassifier.classify(error, true);
        long took = clock.nanoTime() - headersAt;
        if (breaker != null) {
            // The call was recorded as a success when its headers arrived; the broken body is a failure too.
            breaker.onError(took, TimeUnit.NANOSECONDS, error != null ? error : new IOException(c.details()));
        }
        UpstreamException e = report.streamFailure(upstream, method, c, status, attempts, bytes, error,
                clock.nanoTime() - callStart);
        metrics.streamEnded(upstream, "failed", c.kind(), bytes, took);
        return e;
    }

    /** The caller closed the body before its end: the connection is closed, never drained or reused. */
    void abandoned() {
        runtime.discardEndpoint();
        metrics.streamEnded(upstream, "abandoned", null, bytes, clock.nanoTime() - headersAt);
    }

    /**
     * The caller dropped the body without closing it, and the collector found it: when it had not ended, closes
     * the connection and returns the permit as {@link #abandoned()} does, and warns.
     */
    void dropped() {
        if (end() != null) {
            abandoned();
            report.droppedStream(upstream, method, bytes);
        }
    }

    private static boolean stalled(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }
}
