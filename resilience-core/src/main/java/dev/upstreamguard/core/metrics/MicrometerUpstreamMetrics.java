package dev.upstreamguard.core.metrics;

import dev.upstreamguard.core.classify.FailureKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntSupplier;
import java.util.function.ToIntFunction;
import org.apache.hc.core5.pool.ConnPoolControl;
import org.apache.hc.core5.pool.PoolStats;

/**
 * {@link UpstreamMetrics} on Micrometer; see there for the meters.
 *
 * <p>Each meter is registered once per tag combination and then found in small arrays: building and registering
 * it on every call ({@code Timer.builder(...).register(registry)}) allocates the tags and the meter id and looks
 * the meter up in the registry each time, which would cost more than the rest of the policy. The registry hands
 * back the same meter for the same name and tags anyway.
 */
final class MicrometerUpstreamMetrics implements UpstreamMetrics {
    /** Statuses 0..599 are cached; the call timer's status tag is one of them. */
    private static final int STATUSES = 600;
    private static final FailureKind[] KINDS = FailureKind.values();

    private final MeterRegistry registry;
    /** upstream -> method -> timers. */
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, CallTimers>> calls = new ConcurrentHashMap<>();
    /** upstream -> retry counter by kind ordinal. */
    private final ConcurrentHashMap<String, AtomicReferenceArray<Counter>> retries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> suppressed = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Timer> firstByte = new ConcurrentHashMap<>();
    /** "upstream outcome kind" -> meters of streamed bodies (registered once per combination). */
    private final ConcurrentHashMap<String, StreamMeters> streams = new ConcurrentHashMap<>();

    private record StreamMeters(DistributionSummary bytes, Timer duration) {
    }

    MicrometerUpstreamMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** The call timers of one upstream and method, by outcome slot then status; filled on first use. */
    private static final class CallTimers {
        /** Slot 0: success; then two per failure kind (failure, rejected). */
        final AtomicReferenceArray<AtomicReferenceArray<Timer>> bySlot =
                new AtomicReferenceArray<>(1 + 2 * KINDS.length);
    }

    @Override
    public void callCompleted(String upstream, String method, FailureKind kind, boolean rejected, int status,
            long nanos) {
        try {
            timer(upstream, method, kind, rejected, status).record(nanos, TimeUnit.NANOSECONDS);
        } catch (RuntimeException ignored) {
            // metrics must never break a call
        }
    }

    private Timer timer(String upstream, String method, FailureKind kind, boolean rejected, int status) {
        if (status < 0 || status >= STATUSES) {
            return registerTimer(upstream, method, kind, rejected, status);
        }
        ConcurrentHashMap<String, CallTimers> byMethod = calls.get(upstream);
        if (byMethod == null) {
            byMethod = calls.computeIfAbsent(upstream, u -> new ConcurrentHashMap<>());
        }
        CallTimers timers = byMethod.get(method);
        if (timers == null) {
            timers = byMethod.computeIfAbsent(method, m -> new CallTimers());
        }
        int slot = kind == null ? 0 : 1 + 2 * kind.ordinal() + (rejected ? 1 : 0);
        AtomicReferenceArray<Timer> byStatus = timers.bySlot.get(slot);
        if (byStatus == null) {
            timers.bySlot.compareAndSet(slot, null, new AtomicReferenceArray<>(STATUSES));
            byStatus = timers.bySlot.get(slot);
        }
        Timer timer = byStatus.get(status);
        if (timer == null) {
            timer = registerTimer(upstream, method, kind, rejected, status);
            byStatus.set(status, timer);
        }
        return timer;
    }

    private Timer registerTimer(String upstream, String method, FailureKind kind, boolean rejected, int status) {
        return Timer.builder("upstream.guard.calls")
                .description("Upstream calls, by outcome and failure kind")
                .tag("upstream", upstream)
                .tag("method", method)
                .tag("outcome", kind == null ? "success" : rejected ? "rejected" : "failure")
                .tag("kind", kind == null ? "none" : kind.tagValue())
                .tag("status", Integer.toString(status))
                .register(registry);
    }

    @Override
    public void retry(String upstream, FailureKind kind) {
        try {
            AtomicReferenceArray<Counter> byKind = retries.get(upstream);
            if (byKind == null) {
                byKind = retries.computeIfAbsent(upstream, u -> new AtomicReferenceArray<>(KINDS.length));
            }
            Counter counter = byKind.get(kind.ordinal());
            if (counter == null) {
                counter = Counter.builder("upstream.guard.retries")
                        .description("Retries sent, by the failure that caused them")
                        .tag("upstream", upstream).tag("kind", kind.tagValue()).register(registry);
                byKind.set(kind.ordinal(), counter);
            }
            counter.increment();
        } catch (RuntimeException ignored) {
            // metrics must never break a call
        }
    }

    @Override
    public void retrySuppressed(String upstream) {
        try {
            Counter counter = suppressed.get(upstream);
            if (counter == null) {
                counter = Counter.builder("upstream.guard.retries.suppressed")
                        .description("Retries refused by the retry budget")
                        .tag("upstream", upstream).register(registry);
                suppressed.put(upstream, counter);
            }
            counter.increment();
        } catch (RuntimeException ignored) {
            // metrics must never break a call
        }
    }

    @Override
    public void streamFirstByte(String upstream, long nanos) {
        try {
            firstByte.computeIfAbsent(upstream, u -> Timer.builder("upstream.guard.stream.first.byte")
                    .description("Time from the start of a streamed call to its first body byte")
                    .tag("upstream", u).register(registry)).record(nanos, TimeUnit.NANOSECONDS);
        } catch (RuntimeException ignored) {
            // metrics must never break a call
        }
    }

    @Override
    public void streamEnded(String upstream, String outcome, FailureKind kind, long bytes, long nanos) {
        try {
            String kindTag = kind == null ? "none" : kind.tagValue();
            StreamMeters meters = streams.computeIfAbsent(upstream + ' ' + outcome + ' ' + kindTag,
                    key -> new StreamMeters(
                            DistributionSummary.builder("upstream.guard.stream.bytes")
                                    .description("Body bytes handed to the caller per streamed call")
                                    .baseUnit("bytes").tag("upstream", upstream).tag("outcome", outcome)
                                    .register(registry),
                            Timer.builder("upstream.guard.stream.duration")
                                    .description("Time from the response headers to the end of a streamed body")
                                    .tag("upstream", upstream).tag("outcome", outcome).tag("kind", kindTag)
                                    .register(registry)));
            meters.bytes().record(bytes);
            meters.duration().record(nanos, TimeUnit.NANOSECONDS);
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

    @Override
    public Runnable connectionPool(String upstream, ConnPoolControl<?> pool) {
        try {
            List<Meter> meters = List.of(
                    poolGauge("upstream.guard.pool.connections", "Open connections of the upstream's pool, by state",
                            upstream, "leased", pool, PoolStats::getLeased),
                    poolGauge("upstream.guard.pool.connections", "Open connections of the upstream's pool, by state",
                            upstream, "idle", pool, PoolStats::getAvailable),
                    poolGauge("upstream.guard.pool.pending", "Calls waiting for a connection of the upstream's pool",
                            upstream, null, pool, PoolStats::getPending),
                    poolGauge("upstream.guard.pool.max", "The connection limit of the upstream's pool",
                            upstream, null, pool, PoolStats::getMax));
            return () -> meters.forEach(registry::remove);
        } catch (RuntimeException ignored) {
            return () -> {
            }; // metrics must never break an upstream
        }
    }

    /** A gauge holding {@code pool} weakly (the default), so that it never keeps a dropped upstream alive. */
    private <P extends ConnPoolControl<?>> Gauge poolGauge(String name, String description, String upstream,
            String state, P pool, ToIntFunction<PoolStats> value) {
        Gauge.Builder<P> builder = Gauge
                .builder(name, pool, p -> value.applyAsInt(p.getTotalStats()))
                .description(description).tag("upstream", upstream);
        if (state != null) {
            builder.tag("state", state);
        }
        return builder.register(registry);
    }
}
