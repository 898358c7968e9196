package dev.upstreamguard.core;

import static dev.upstreamguard.core.FaultTestSupport.failure;
import static dev.upstreamguard.core.FaultTestSupport.policy;
import static dev.upstreamguard.core.FaultTestSupport.upstream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.core.retry.RetryPolicy;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import dev.upstreamguard.test.junit.LeakCheck;

class BreakerAndBulkheadTest {
    private FaultyUpstream server;
    private Upstream upstream;

    @RegisterExtension
    final LeakCheck resources = new LeakCheck((Upstream u) -> u.connectionPoolStats().getLeased());

    @Test
    void breakerOpensFailsFastWithoutConnectingThenHalfOpensAndCloses() throws Exception {
        CircuitBreakerConfig cb = CircuitBreakerConfig.custom()
                .slidingWindowSize(4).minimumNumberOfCalls(4).failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofMillis(300)).permittedNumberOfCallsInHalfOpenState(1)
                .slowCallDurationThreshold(Duration.ofMillis(400)).build();
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
        server = resources.track(FaultyUpstream.start(Fault.status(502, "bad")));
        upstream = resources.checked(Upstream.builder("backend").baseUri(server.baseUri()).circuitBreakerRegistry(registry)
                .policy(policy().retry(RetryPolicy.none()).circuitBreaker(cb).build()).build());
        for (int i = 0; i < 4; i++) {
            assertThat(failure(upstream, ClassicRequestBuilder.get("/").build()).kind())
                    .isEqualTo(FailureKind.UPSTREAM_STATUS);
        }
        assertThat(registry.circuitBreaker("backend").getState()).isEqualTo(CircuitBreaker.State.OPEN);

        int connectionsWhenOpened = server.connectionsAccepted();
        int requestsWhenOpened = server.requestsReceived();
        UpstreamException rejected = failure(upstream, ClassicRequestBuilder.get("/").build());
        assertThat(rejected.kind()).isEqualTo(FailureKind.CIRCUIT_OPEN);
        assertThat(rejected.status()).isEqualTo(503);
        assertThat(rejected.attempts()).isZero();
        assertThat(rejected.retryAfter()).isBetween(Duration.ofMillis(1), Duration.ofSeconds(1));
        assertThat(rejected.getStackTrace()).as("rejections are stackless").isEmpty();
        assertThat(rejected.proxyStatus("upstream-guard")).contains("error=destination_unavailable");
        assertThat(server.requestsReceived()).isEqualTo(requestsWhenOpened);
        assertThat(server.connectionsAccepted()).isEqualTo(connectionsWhenOpened);

        server.respond(Fault.ok("healthy again"));
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50)).until(() -> {
            try {
                return upstream.execute(ClassicRequestBuilder.get("/").build()).status() == 200;
            } catch (UpstreamException e) {
                assertThat(e.kind()).isEqualTo(FailureKind.CIRCUIT_OPEN);
                return false;
            }
        });
        assertThat(registry.circuitBreaker("backend").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void bulkheadRejectsAtOnceWhenTheLimitIsReached() throws Exception {
        server = resources.track(FaultyUpstream.start(Fault.blackhole()));
        upstream = resources.checked(upstream(server.baseUri(), policy().maxConcurrentCalls(2).retry(RetryPolicy.none()).build()));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> a = pool.submit(() -> failure(upstream, ClassicRequestBuilder.get("/a").build()));
            Future<?> b = pool.submit(() -> failure(upstream, ClassicRequestBuilder.get("/b").build()));
            await().atMost(Duration.ofSeconds(2)).until(() -> server.requestsReceived() == 2);

            UpstreamException e = failure(upstream, ClassicRequestBuilder.get("/c").build());
            assertThat(e.kind()).isEqualTo(FailureKind.CONNECTION_LIMIT_REACHED);
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1));
            assertThat(e.elapsed()).isLessThan(Duration.ofMillis(50));
            assertThat(e.getStackTrace()).isEmpty();
            assertThat(server.requestsReceived()).isEqualTo(2);
            a.get();
            b.get();
        } finally {
            pool.shutdownNow();
        }
    }
}
