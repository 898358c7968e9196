package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.doctor.Verdict;
import dev.upstreamguard.doctor.probe.PhaseResult;
import dev.upstreamguard.doctor.probe.ProbeReport;
import dev.upstreamguard.doctor.probe.UpstreamProbe;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Probes an upstream on demand, at most one probe at a time per upstream, keeps the last report, and publishes it
 * as the gauge {@code upstream.guard.probe.status} (0 ok, 1 degraded, 2 failed; tags {@code upstream},
 * {@code phase} (the phase at fault or {@code none}) and {@code reason} (an RFC 9209 error type, or
 * {@code upstream_status}, {@code client_status}, {@code ok})). Alert rules depend on that name and those tags.
 */
final class UpstreamProber {
    static final String GAUGE = "upstream.guard.probe.status";

    private final UpstreamProbeProperties properties;
    private final MultiGauge gauge;
    private final Map<String, AtomicBoolean> running = new ConcurrentHashMap<>();
    private final Map<String, ProbeReport> last = new ConcurrentHashMap<>();

    UpstreamProber(UpstreamProbeProperties properties, MeterRegistry registry) {
        this.properties = properties;
        this.gauge = registry == null ? null : MultiGauge.builder(GAUGE)
                .description("Result of the last probe of an upstream: 0 ok, 1 degraded, 2 failed")
                .register(registry);
    }

    /** The last report of {@code name}, if it was probed. */
    Optional<ProbeReport> last(String name) {
        return Optional.ofNullable(last.get(name));
    }

    /** Whether a probe of {@code name} is running. */
    boolean isRunning(String name) {
        AtomicBoolean flag = running.get(name);
        return flag != null && flag.get();
    }

    /** Probes {@code upstream}; empty when a probe of it is already running. */
    Optional<ProbeReport> probe(Upstream upstream) {
        AtomicBoolean flag = running.computeIfAbsent(upstream.name(), n -> new AtomicBoolean());
        if (!flag.compareAndSet(false, true)) {
            return Optional.empty();
        }
        try {
            UpstreamProbe.Builder b = UpstreamProbe.builder(upstream).budget(properties.getBudget())
                    .idlePeriods(properties.getIdle());
            if (properties.getPath() != null) {
                b.path(properties.getPath());
            }
            ProbeReport report = b.build().run();
            last.put(upstream.name(), report);
            publish();
            return Optional.of(report);
        } finally {
            flag.set(false);
        }
    }

    private synchronized void publish() {
        if (gauge == null) {
            return;
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        last.forEach((name, report) -> {
            PhaseResult problem = report.problem().orElse(null);
            Tags tags = Tags.of("upstream", name,
                    "phase", problem == null ? "none" : problem.phase().tagValue(),
                    "reason", problem == null ? "ok" : problem.reason());
            rows.add(MultiGauge.Row.of(tags, value(report.verdict())));
        });
        gauge.register(rows, true);
    }

    static int value(Verdict verdict) {
        return switch (verdict) {
            case OK -> 0;
            case DEGRADED -> 1;
            case FAILED -> 2;
        };
    }
}
