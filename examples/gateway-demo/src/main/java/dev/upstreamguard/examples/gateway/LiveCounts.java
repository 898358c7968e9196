package dev.upstreamguard.examples.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What Upstream Guard's own meters have counted so far: core's {@code upstream.guard.calls} timer (tags
 * {@code upstream}, {@code outcome}, {@code kind}), its {@code upstream.guard.breaker.state} gauge, and the filter's
 * {@code upstream.guard.error.responses} counter (tag {@code status}). Nothing is counted by hand.
 *
 * @param callsByKind          calls of all upstreams by failure kind ({@code none} for a success)
 * @param errorPagesByStatus   error responses the filter rendered, by status
 * @param upstreams            per upstream name: calls and failed calls (rejections included)
 * @param breakerStates        per upstream name: {@code closed}, {@code open}, {@code half-open}
 */
record LiveCounts(Map<String, Long> callsByKind, Map<String, Long> errorPagesByStatus,
        Map<String, UpstreamCalls> upstreams, Map<String, String> breakerStates) {

    /** Calls of one upstream. */
    record UpstreamCalls(long calls, long failed) {
        UpstreamCalls plus(long calls, long failed) {
            return new UpstreamCalls(this.calls + calls, this.failed + failed);
        }
    }

    static final UpstreamCalls NONE = new UpstreamCalls(0, 0);

    /** Reads the meters of {@code registry} now. */
    static LiveCounts of(MeterRegistry registry) {
        Map<String, Long> byKind = new TreeMap<>();
        Map<String, UpstreamCalls> upstreams = new HashMap<>();
        for (Timer timer : registry.find("upstream.guard.calls").timers()) {
            long count = timer.count();
            String upstream = timer.getId().getTag("upstream");
            boolean failed = !"success".equals(timer.getId().getTag("outcome"));
            byKind.merge(String.valueOf(timer.getId().getTag("kind")), count, Long::sum);
            upstreams.merge(String.valueOf(upstream), new UpstreamCalls(count, failed ? count : 0),
                    (a, b) -> a.plus(b.calls(), b.failed()));
        }
        Map<String, Long> byStatus = new TreeMap<>();
        for (Counter counter : registry.find("upstream.guard.error.responses").counters()) {
            byStatus.merge(String.valueOf(counter.getId().getTag("status")), (long) counter.count(), Long::sum);
        }
        Map<String, String> breakers = new HashMap<>();
        for (Gauge gauge : registry.find("upstream.guard.breaker.state").gauges()) {
            breakers.put(String.valueOf(gauge.getId().getTag("upstream")), breakerState(gauge.value()));
        }
        return new LiveCounts(byKind, byStatus, upstreams, breakers);
    }

    /** The calls of upstream {@code name}, zero when it has made none. */
    UpstreamCalls upstream(String name) {
        return upstreams.getOrDefault(name, NONE);
    }

    private static String breakerState(double value) {
        return switch ((int) value) {
            case 0 -> "closed";
            case 1 -> "open";
            case 2 -> "half-open";
            default -> "other";
        };
    }
}
