package dev.upstreamguard.core;

import static dev.upstreamguard.core.FaultTestSupport.failure;
import static dev.upstreamguard.core.FaultTestSupport.policy;
import static dev.upstreamguard.core.FaultTestSupport.upstream;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.core.retry.RetryBudgetConfig;
import dev.upstreamguard.core.retry.RetryPolicy;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import java.time.Duration;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import dev.upstreamguard.test.junit.LeakCheck;

class RetryBehaviourTest {
    private FaultyUpstream server;
    private Upstream upstream;

    @RegisterExtension
    final LeakCheck resources = new LeakCheck((Upstream u) -> u.connectionPoolStats().getLeased());

    private void start(Fault fault, UpstreamPolicy policy) {
        server = resources.track(FaultyUpstream.start(fault));
        upstream = resources.checked(upstream(server.baseUri(), policy));
    }

    @Test
    void retriesIdempotentGetAfterResetAndSucceeds() throws Exception {
        start(Fault.sequence(Fault.resetAfterRequest(), Fault.ok("second time lucky")), policy().build());
        UpstreamResponse r = upstream.execute(ClassicRequestBuilder.get("/x").build());
        assertThat(r.bodyAsString()).isEqualTo("second time lucky");
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(server.requestsReceived()).isEqualTo(2);
    }

    @Test
    void doesNotRetryPostAfterReset() {
        start(Fault.resetAfterRequest(), policy().build());
        UpstreamException e = failure(upstream, ClassicRequestBuilder.post("/orders")
                .setEntity(new StringEntity("{}", ContentType.APPLICATION_JSON)).build());
        assertThat(e.kind()).isEqualTo(FailureKind.CONNECTION_TERMINATED);
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(server.requestsReceived()).isEqualTo(1);
    }

    @Test
    void retriesPostCarryingAnIdempotencyKey() {
        start(Fault.resetAfterRequest(), policy().build());
        UpstreamException e = failure(upstream, ClassicRequestBuilder.post("/orders")
                .addHeader("Idempotency-Key", "order-17")
                .setEntity(new StringEntity("{}", ContentType.APPLICATION_JSON)).build());
        assertThat(e.attempts()).isEqualTo(3);
        assertThat(server.requestsReceived()).isEqualTo(3);
        assertThat(server.requests()).allSatisfy(req -> assertThat(new String(req.body())).isEqualTo("{}"));
    }

    @Test
    void retriesPostTheCallerMarkedSafe() throws Exception {
        start(Fault.sequence(Fault.status(503, "busy"), Fault.ok("done")), policy().build());
        UpstreamResponse r = upstream.execute(ClassicRequestBuilder.post("/orders").build(), true);
        assertThat(r.attempts()).isEqualTo(2);
    }

    @Test
    void honoursRetryAfterThatFitsTheDeadline() throws Exception {
        start(Fault.sequence(Fault.status(503, "busy", "Retry-After", "1"), Fault.ok("ok")),
                policy().requestTimeout(Duration.ofSeconds(3)).build());
        long t0 = System.nanoTime();
        UpstreamResponse r = upstream.execute(ClassicRequestBuilder.get("/x").build());
        long tookMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(tookMillis).isBetween(1000L, 2000L);
    }

    @Test
    void keepsAttemptsWithinTheRetryBudgetWhenEverythingFails() {
        RetryPolicy retry = RetryPolicy.builder().maxAttempts(3)
                .backoff(Duration.ZERO, Duration.ZERO, 1)
                .budget(new RetryBudgetConfig(0.2, 1, Duration.ofSeconds(10))).build();
        start(Fault.status(503, "down"), policy().retry(retry).build());
        int requests = 300;
        for (int i = 0; i < requests; i++) {
            failure(upstream, ClassicRequestBuilder.get("/x").build());
        }
        double amplification = (double) server.requestsReceived() / requests;
        // 20% of requests plus a floor of 1/s over a 10 s window: at most 60 + 10 retries.
        assertThat(amplification).isLessThanOrEqualTo(1.24).isGreaterThan(1.0);
    }

    @Test
    void naiveRetryWithoutBudgetTriplesTheLoad() {
        start(Fault.status(503, "down"), policy().build()); // unlimited budget
        for (int i = 0; i < 20; i++) {
            failure(upstream, ClassicRequestBuilder.get("/x").build());
        }
        assertThat(server.requestsReceived()).isEqualTo(60);
    }

    @Test
    void staleKeepAliveConnectionNeverSurfacesForAnIdempotentRequest() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        server = resources.track(FaultyUpstream.start(Fault.closeAfterResponse("fresh")));
        // No retries at all: only the stale-connection rule can save requests 2..5.
        upstream = resources.checked(Upstream.builder("backend").baseUri(server.baseUri()).meterRegistry(registry)
                .policy(policy().retry(RetryPolicy.none()).build()).build());
        for (int i = 0; i < 5; i++) {
            UpstreamResponse r = upstream.execute(ClassicRequestBuilder.get("/x").build());
            assertThat(r.bodyAsString()).isEqualTo("fresh");
            assertThat(r.attempts()).isEqualTo(1);
        }
        assertThat(server.requestsReceived()).isEqualTo(5);
        assertThat(server.connectionsAccepted()).isEqualTo(5);
        // Requests 2..5 each found the pooled connection closed by the upstream and reconnected once.
        assertThat(registry.get("upstream.guard.retries").tag("kind", "connection_terminated").counter().count())
                .isEqualTo(4.0);
    }

    @Test
    void staleConnectionIsNotSilentlyRetriedForAPost() throws Exception {
        start(Fault.closeAfterResponse("fresh"), policy().retry(RetryPolicy.none()).build());
        upstream.execute(ClassicRequestBuilder.get("/warm").build());
        UpstreamException e = failure(upstream, ClassicRequestBuilder.post("/orders")
                .setEntity(new StringEntity("{}", ContentType.APPLICATION_JSON)).build());
        assertThat(e.kind()).isEqualTo(FailureKind.CONNECTION_TERMINATED);
        assertThat(e.requestSent()).isEqualTo(dev.upstreamguard.core.classify.RequestSent.UNKNOWN);
    }

    @Test
    void failuresReachExistingHttpClientCallSitesAsUpstreamException() {
        upstream = resources.checked(upstream("http://127.0.0.1:" + FaultyUpstream.refusedPort(), policy().build()));
        UpstreamException e = org.assertj.core.api.Assertions.catchThrowableOfType(UpstreamException.class,
                () -> upstream.httpClient().execute(
                        new org.apache.hc.client5.http.classic.methods.HttpGet(upstream.baseUri().resolve("/x")),
                        response -> response.getCode()));
        assertThat(e.kind()).isEqualTo(FailureKind.CONNECTION_REFUSED);
        assertThat(e.attempts()).isEqualTo(3);
    }
}
