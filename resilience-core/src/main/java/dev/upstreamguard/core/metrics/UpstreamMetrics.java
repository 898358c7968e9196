package dev.upstreamguard.core.metrics;

import dev.upstreamguard.core.classify.FailureKind;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.hc.core5.pool.ConnPoolControl;

/**
 * Receives what happens on upstream calls. Implementations must be fast and must never throw.
 *
 * <p>{@link #micrometer(MeterRegistry)} records:
 * <ul>
 *   <li>{@code upstream.guard.calls} (timer): one per logical call; tags {@code upstream}, {@code method},
 *       {@code outcome} (success, failure, rejected), {@code kind} (failure kind or {@code none}),
 *       {@code status} (upstream status on success, answered status on failure);</li>
 *   <li>{@code upstream.guard.retries} (counter): retries sent; tags {@code upstream}, {@code kind} (why);</li>
 *   <li>{@code upstream.guard.retries.suppressed} (counter): retries the budget refused; tag {@code upstream};</li>
 *   <li>{@code upstream.guard.breaker.state} (gauge): 0 closed, 1 open, 2 half-open, 3 other; tag {@code upstream}.</li>
 *   <li>{@code upstream.guard.stream.first.byte} (timer): from the start of a streamed call to the first body byte
 *       handed to the caller; tag {@code upstream};</li>
 *   <li>{@code upstream.guard.stream.bytes} (distribution summary, bytes): body bytes handed to the caller per
 *       streamed call; tags {@code upstream}, {@code outcome} (complete, failed, abandoned);</li>
 *   <li>{@code upstream.guard.stream.duration} (timer): from the response headers to the end of the body; tags
 *       {@code upstream}, {@code outcome}, {@code kind} (failure kind or {@code none});</li>
 *   <li>{@code upstream.guard.pool.connections} (gauge): open connections of the upstream's pool; tags
 *       {@code upstream}, {@code state} ({@code leased}: in use by a call, {@code idle}: kept alive and free);</li>
 *   <li>{@code upstream.guard.pool.pending} (gauge): calls waiting for a connection; tag {@code upstream};</li>
 *   <li>{@code upstream.guard.pool.max} (gauge): the pool's connection limit; tag {@code upstream}.</li>
 * </ul>
 *
 * <p>The pool gauges hold the pool weakly and are removed when the upstream is closed: a closed upstream is neither
 * kept alive nor reported.
 */
public interface UpstreamMetrics {
    /** Records nothing. */
    UpstreamMetrics NOOP = new UpstreamMetrics() {
    };

    /** Micrometer-backed metrics registered in {@code registry}. */
    static UpstreamMetrics micrometer(MeterRegistry registry) {
        return new MicrometerUpstreamMetrics(registry);
    }

    /**
     * A logical call ended.
     *
     * @param kind   {@code null} on success
     * @param status the upstream status on success, the answered status on failure
     */
    default void callCompleted(String upstream, String method, FailureKind kind, boolean rejected, int status,
            long nanos) {
    }

    /** A retry is about to be sent after a failure of {@code kind}. */
    default void retry(String upstream, FailureKind kind) {
    }

    /** The retry budget refused a retry. */
    default void retrySuppressed(String upstream) {
    }

    /** A streamed body handed its first byte to the caller, {@code nanos} after the call started. */
    default void streamFirstByte(String upstream, long nanos) {
    }

    /**
     * A streamed body ended.
     *
     * @param outcome {@code complete} (read to its end), {@code failed} (the upstream broke it) or
     *                {@code abandoned} (closed by the caller before its end)
     * @param kind    the failure's kind when failed, else {@code null}
     * @param bytes   body bytes handed to the caller
     * @param nanos   time from the response headers to the end
     */
    default void streamEnded(String upstream, String outcome, FailureKind kind, long bytes, long nanos) {
    }

    /** Publishes the breaker state of {@code upstream} (0 closed, 1 open, 2 half-open, 3 other). */
    default void breakerState(String upstream, java.util.function.IntSupplier state) {
    }

    /**
     * Publishes the connection pool of {@code upstream} (leased, idle, pending, max) for as long as the pool lives.
     *
     * @return removes what was published; the upstream runs it when it is closed
     */
    default Runnable connectionPool(String upstream, ConnPoolControl<?> pool) {
        return () -> {
        };
    }
}
