package dev.upstreamguard.core.metrics;

import dev.upstreamguard.core.classify.FailureKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/** {@link UpstreamMetrics} on Micrometer; see there for the meters. */
final class MicrometerUpstreamMetrics implements UpstreamMetrics {
    private final MeterRegistry registry;

    MicrometerUpstreamMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void callCompleted(String upstream, String method, FailureKind kind, boolean rejected, int status,
            long nanos) {
        try {
            Timer.builder("upstream.guard.calls")
                    .description("Upstream calls, by outcome and failure kind")
                    .tag("upstream", upstream)
                    .tag("method", method)
                    .tag("outcome", kind == null ? "success" : rejected ? "rejected" : "failure")
                    .tag("kind", kind == null ? "none" : kind.tagValue())
                    .tag("status", Integer.toString(status))
                    .register(registry)
                    .record(nanos, TimeUnit.NANOSECONDS);
        } catch (RuntimeException ignored) {
            // metrics must never break a call
        }
    }

    @Override
    public void retry(String upstream, FailureKind kind) {
        try {
            Counter.builder("upstream.guard.retries").description("Retries sent, by the failure that caused them")
                    .tag("upstream", upstream).tag("kind", kind.tagValue()).register(registry).increment();
        } catch (RuntimeException ignored) {
            // metrics must never break a call
        }
    }

    @Override
    public void retrySuppressed(String upstream) {
        try {
            Counter.builder("upstream.guard.retries.suppressed").description("Retries refused by the retry budget")
                    .tag("upstream", upstream).register(registry).increment();
        } catch (RuntimeException ignored) {
            // metrics must never break a call
        }
    }

    @Override
    public void breakerState(String upstream, IntSupplier state) {
        try {
            Gauge.builder("upstream.guard.breaker.state", state, IntSupplier::getAsInt)
                    .description("Circuit breaker state: 0 closed, 1 open, 2 half-open, 3 other")
                    .tag("upstream", upstream).strongReference(true).register(registry);
        } catch (RuntimeException ignored) {
            // metrics must never break a call
        }
    }
}
