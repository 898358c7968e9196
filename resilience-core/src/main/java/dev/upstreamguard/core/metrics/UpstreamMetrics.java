package dev.upstreamguard.core.metrics;

import dev.upstreamguard.core.classify.FailureKind;
import io.micrometer.core.instrument.MeterRegistry;

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
 * </ul>
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

    /** Publishes the breaker state of {@code upstream} (0 closed, 1 open, 2 half-open, 3 other). */
    default void breakerState(String upstream, java.util.function.IntSupplier state) {
    }
}
