package dev.upstreamguard.core;

import static dev.upstreamguard.core.FaultTestSupport.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.upstreamguard.core.deadline.RequestContext;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.test.RecordedRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a tracer and a metrics backend see of an upstream, on real sockets: the caller's {@code traceparent} (a
 * tracer's client span) is sent alone and unchanged, and the pool gauges follow the connections in flight.
 */
class TraceContextAndPoolGaugesTest {
    private static final String CLIENT_SPAN = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ExecutorService callers = Executors.newFixedThreadPool(3);

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
    }

    @Test
    void sendsTheCallersTraceparentAloneAndUnchangedEvenWithAnIncomingOne() throws Exception {
        try (FaultyUpstream server = FaultyUpstream.start(Fault.status(503, "busy"));
                Upstream upstream = Upstream.builder("traced").baseUri(server.baseUri())
                        .policy(policy().build()).build()) {
            String incoming = "00-11111111111111111111111111111111-2222222222222222-01";
            try (RequestContext.Scope ignored = RequestContext.of("corr-1", null, incoming).attach()) {
                FaultTestSupport.failure(upstream, ClassicRequestBuilder.get("/traced")
                        .addHeader("traceparent", CLIENT_SPAN).build());
            }
            List<RecordedRequest> attempts = server.requests();
            assertThat(attempts).as("three attempts of the 503").hasSize(3);
            for (RecordedRequest attempt : attempts) {
                assertThat(attempt.headers().get("traceparent")).as("every attempt").containsExactly(CLIENT_SPAN);
            }
        }
    }

    @Test
    void addsExactlyOneTraceparentWhenTheCallerHasNone() throws Exception {
        try (FaultyUpstream server = FaultyUpstream.start(Fault.ok("fine"));
                Upstream upstream = Upstream.builder("traced").baseUri(server.baseUri())
                        .policy(policy().build()).build()) {
            try (RequestContext.Scope ignored = RequestContext.of("corr-2", null, CLIENT_SPAN).attach()) {
                upstream.execute(ClassicRequestBuilder.get("/traced").build());
            }
            List<String> sent = server.takeRequest(Duration.ofSeconds(2)).headers().get("traceparent");
            assertThat(sent).hasSize(1);
            assertThat(sent.get(0)).matches("00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01")
                    .isNotEqualTo(CLIENT_SPAN);
        }
    }

    @Test
    void poolGaugesCountTheConnectionsHeldByCallsInFlightThenTheIdleOnes() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (FaultyUpstream server = FaultyUpstream.start(Fault.dynamic(request -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Fault.ok("late");
        })); Upstream upstream = Upstream.builder("pooled").baseUri(server.baseUri())
                .policy(policy().requestTimeout(Duration.ofSeconds(15)).attemptTimeout(Duration.ofSeconds(15))
                        .maxConcurrentCalls(8).build())
                .meterRegistry(registry).build()) {
            List<Future<Integer>> calls = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    calls.add(callers.submit(() -> upstream.execute(ClassicRequestBuilder.get("/slow").build()).status()));
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> server.requestsReceived() == 3);
                assertThat(gauge("upstream.guard.pool.connections", "leased")).isEqualTo(3.0);
                assertThat(gauge("upstream.guard.pool.connections", "idle")).isZero();
                assertThat(gauge("upstream.guard.pool.pending", null)).isZero();
                assertThat(gauge("upstream.guard.pool.max", null))
                        .isEqualTo(upstream.connectionPoolStats().getMax()).isPositive();
            } finally {
                release.countDown();
            }
            for (Future<Integer> call : calls) {
                assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo(200);
            }
            assertThat(gauge("upstream.guard.pool.connections", "leased")).isZero();
            assertThat(gauge("upstream.guard.pool.connections", "idle")).isGreaterThanOrEqualTo(1.0);
        }
    }

    @Test
    void closingTheUpstreamRemovesItsPoolGaugesAndKeepsTheOthers() {
        Upstream kept = Upstream.builder("kept").baseUri("http://127.0.0.1:1").meterRegistry(registry).build();
        try (kept) {
            Upstream.builder("closed").baseUri("http://127.0.0.1:1").meterRegistry(registry).build().close();
            assertThat(registry.find("upstream.guard.pool.connections").tag("upstream", "closed").gauges()).isEmpty();
            assertThat(registry.find("upstream.guard.pool.max").tag("upstream", "closed").gauge()).isNull();
            assertThat(registry.find("upstream.guard.pool.connections").tag("upstream", "kept").gauges()).hasSize(2);
            assertThat(registry.get("upstream.guard.pool.max").tag("upstream", "kept").gauge().value()).isPositive();
        }
        assertThat(registry.find("upstream.guard.pool.pending").tag("upstream", "kept").gauge()).isNull();
    }

    private double gauge(String name, String state) {
        var search = registry.get(name).tag("upstream", "pooled");
        return (state == null ? search : search.tag("state", state)).gauge().value();
    }
}
