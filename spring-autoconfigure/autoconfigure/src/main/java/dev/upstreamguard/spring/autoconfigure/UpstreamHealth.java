package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.classify.FailureKind;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hc.core5.pool.PoolStats;

/**
 * The health of one upstream, independent of the Boot line's health API: {@code UP} while its breaker is closed
 * (or disabled), {@code CIRCUIT_OPEN} or {@code CIRCUIT_HALF_OPEN} otherwise, with the breaker state, failure rate,
 * last failure kind and pool statistics as details. The two breaker statuses do not change the application's
 * aggregate health unless listed in {@code management.endpoint.health.status.order}: an upstream outage should not
 * take this instance out of its load balancer.
 *
 * @param status  the health status code
 * @param details the details shown by the health endpoint
 */
record UpstreamHealth(String status, Map<String, Object> details) {
    static final String CIRCUIT_OPEN = "CIRCUIT_OPEN";
    static final String CIRCUIT_HALF_OPEN = "CIRCUIT_HALF_OPEN";

    static UpstreamHealth of(Upstream upstream) {
        Map<String, Object> details = new LinkedHashMap<>();
        String status = "UP";
        CircuitBreaker breaker = upstream.circuitBreaker();
        if (breaker == null) {
            details.put("circuitBreaker", "DISABLED");
        } else {
            CircuitBreaker.State state = breaker.getState();
            details.put("circuitBreaker", state.name());
            details.put("failureRate", breaker.getMetrics().getFailureRate());
            details.put("slowCallRate", breaker.getMetrics().getSlowCallRate());
            status = switch (state) {
                case OPEN, FORCED_OPEN -> CIRCUIT_OPEN;
                case HALF_OPEN -> CIRCUIT_HALF_OPEN;
                default -> "UP";
            };
        }
        FailureKind last = upstream.lastFailureKind();
        details.put("lastFailureKind", last == null ? "none" : last.tagValue());
        PoolStats pool = upstream.connectionPoolStats();
        Map<String, Object> connections = new LinkedHashMap<>();
        connections.put("leased", pool.getLeased());
        connections.put("available", pool.getAvailable());
        connections.put("pending", pool.getPending());
        connections.put("max", pool.getMax());
        // Which addresses the open connections go to: after a DNS change, whether the pool still holds the old one.
        connections.put("addresses", upstream.connectionAddresses());
        details.put("connections", connections);
        return new UpstreamHealth(status, details);
    }
}
