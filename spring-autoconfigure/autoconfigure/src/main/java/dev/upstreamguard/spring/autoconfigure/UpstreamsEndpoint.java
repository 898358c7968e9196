package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.doctor.probe.ProbeReport;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hc.core5.pool.PoolStats;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;

/**
 * The {@code upstreams} Actuator endpoint: {@code GET /actuator/upstreams} lists every upstream with its policy,
 * breaker state, pool figures, last failure and last probe, and under {@code chain} the timeout chain check of the
 * running application (front proxy as declared, the web application, each upstream's pool: verdict, hops, pools and
 * findings in the shape of {@code upstream-guard-doctor chain --json}); {@code GET /actuator/upstreams/{name}} shows one;
 * {@code POST /actuator/upstreams/{name}} probes it now (bounded by {@code upstream-guard.probe.budget}; 429 while
 * a probe of it is running, 404 for an unknown name). Exposed like any endpoint, through
 * {@code management.endpoints.web.exposure.include}.
 */
@WebEndpoint(id = "upstreams")
public class UpstreamsEndpoint {
    private final List<Upstream> upstreams;
    private final UpstreamProber prober;
    private final RunningChain chain;

    UpstreamsEndpoint(List<Upstream> upstreams, UpstreamProber prober, RunningChain chain) {
        this.upstreams = List.copyOf(upstreams);
        this.prober = prober;
        this.chain = chain;
    }

    /** Every upstream, by name, and the chain check of the running application. */
    @ReadOperation
    public Map<String, Object> upstreams() {
        Map<String, Object> all = new LinkedHashMap<>();
        for (Upstream u : upstreams) {
            all.put(u.name(), describe(u));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("upstreams", all);
        answer.put("chain", chain());
        return answer;
    }

    private Map<String, Object> chain() {
        try {
            return chain.check().toMap();
        } catch (IllegalArgumentException | IllegalStateException e) {
            // a declared value the chain cannot take (a negative duration): say which, as start-up would
            return Map.of("verdict", "unknown", "message", "the chain could not be checked: " + e.getMessage());
        }
    }

    /** One upstream; 404 when there is none of that name. */
    @ReadOperation
    public WebEndpointResponse<Map<String, Object>> upstream(@Selector String name) {
        return find(name).map(u -> new WebEndpointResponse<>(describe(u)))
                .orElseGet(() -> new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND));
    }

    /** Probes one upstream now and answers the report; 429 while a probe of it runs, 404 for an unknown name. */
    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> probe(@Selector String name) {
        Optional<Upstream> upstream = find(name);
        if (upstream.isEmpty()) {
            return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
        }
        return prober.probe(upstream.get()).map(r -> new WebEndpointResponse<>(r.toMap()))
                .orElseGet(() -> new WebEndpointResponse<>(Map.of("upstream", name, "message",
                        "a probe of this upstream is already running"), WebEndpointResponse.STATUS_TOO_MANY_REQUESTS));
    }

    private Optional<Upstream> find(String name) {
        return upstreams.stream().filter(u -> u.name().equals(name)).findFirst();
    }

    private Map<String, Object> describe(Upstream u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("baseUri", u.baseUri() == null ? null : u.baseUri().toString());
        m.put("policy", policy(u.policy()));
        CircuitBreaker breaker = u.circuitBreaker();
        m.put("circuitBreaker", breaker == null ? "DISABLED" : breaker.getState().name());
        PoolStats pool = u.connectionPoolStats();
        Map<String, Object> connections = new LinkedHashMap<>();
        connections.put("leased", pool.getLeased());
        connections.put("available", pool.getAvailable());
        connections.put("pending", pool.getPending());
        connections.put("max", pool.getMax());
        connections.put("addresses", u.connectionAddresses());
        m.put("pool", connections);
        FailureKind lastFailure = u.lastFailureKind();
        m.put("lastFailure", lastFailure == null ? null
                : Map.of("kind", lastFailure.name(), "errorType", String.valueOf(lastFailure.errorType())));
        ProbeReport report = prober.last(u.name()).orElse(null);
        m.put("lastProbe", report == null ? null : summary(report));
        m.put("probing", prober.isRunning(u.name()));
        return m;
    }

    private static Map<String, Object> policy(UpstreamPolicy p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requestTimeout", text(p.requestTimeout()));
        m.put("attemptTimeout", text(p.attemptTimeout()));
        m.put("connectTimeout", text(p.connectTimeout()));
        m.put("poolLeaseTimeout", text(p.poolLeaseTimeout()));
        m.put("idleTimeout", text(p.idleTimeout()));
        m.put("upstreamKeepAlive", text(p.upstreamKeepAlive()));
        m.put("maxAttempts", p.retry().maxAttempts());
        m.put("maxConcurrentCalls", p.maxConcurrentCalls());
        m.put("circuitBreaker", p.circuitBreakerConfig() != null);
        return m;
    }

    private static Map<String, Object> summary(ProbeReport r) {
        Map<String, Object> full = r.toMap();
        Map<String, Object> m = new LinkedHashMap<>();
        for (String key : List.of("startedAt", "elapsedMs", "verdict", "phase", "errorType", "reason", "hop",
                "fix")) {
            m.put(key, full.get(key));
        }
        return m;
    }

    private static String text(Duration d) {
        return d == null ? null : d.toString();
    }
}
