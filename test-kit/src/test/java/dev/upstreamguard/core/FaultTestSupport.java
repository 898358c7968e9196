package dev.upstreamguard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.upstreamguard.core.retry.RetryBudgetConfig;
import dev.upstreamguard.core.retry.RetryPolicy;
import java.time.Duration;
import java.util.SplittableRandom;
import org.apache.hc.core5.http.ClassicHttpRequest;

/** Shared set-up of the fault tests: tight timeouts, fast seeded backoff, no breaker unless a test wants one. */
final class FaultTestSupport {
    static final Duration REQUEST_TIMEOUT = Duration.ofMillis(1500);
    static final Duration ATTEMPT_TIMEOUT = Duration.ofMillis(400);
    /** Scheduling and close slack allowed past a deadline on a 2-core machine. */
    static final Duration SLACK = Duration.ofMillis(250);

    private FaultTestSupport() {
    }

    static UpstreamPolicy.Builder policy() {
        return UpstreamPolicy.builder()
                .requestTimeout(REQUEST_TIMEOUT)
                .attemptTimeout(ATTEMPT_TIMEOUT)
                .connectTimeout(Duration.ofMillis(300))
                .poolLeaseTimeout(Duration.ofMillis(200))
                .circuitBreakerEnabled(false)
                .retry(RetryPolicy.builder()
                        .maxAttempts(3)
                        .backoff(Duration.ofMillis(5), Duration.ofMillis(20), 2)
                        .budget(RetryBudgetConfig.unlimited())
                        .build());
    }

    static Upstream upstream(String baseUri, UpstreamPolicy policy) {
        SplittableRandom seeded = new SplittableRandom(7);
        return Upstream.builder("backend").baseUri(baseUri).policy(policy).random(seeded::nextDouble).build();
    }

    static UpstreamException failure(Upstream upstream, ClassicHttpRequest request) {
        UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> upstream.execute(request));
        assertThat(e).as("expected the call to fail").isNotNull();
        return e;
    }

    /** One line per fault for the test report: what it became and how long it took against the deadline. */
    static void report(String test, UpstreamException e, Duration deadline) {
        if (e != null) {
            System.out.printf("FAULT-REPORT %-55s kind=%-34s status=%d attempts=%d elapsedMs=%d deadlineMs=%d%n",
                    test, e.kind().tagValue(), e.status(), e.attempts(), e.elapsed().toMillis(), deadline.toMillis());
        }
    }

    static void assertNoLeakedConnection(Upstream upstream) {
        assertThat(upstream.connectionPoolStats().getLeased()).as("leased connections").isZero();
    }
}
