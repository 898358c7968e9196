package dev.upstreamguard.core;

import static dev.upstreamguard.core.FaultTestSupport.SLACK;
import static dev.upstreamguard.core.FaultTestSupport.assertNoLeakedConnection;
import static dev.upstreamguard.core.FaultTestSupport.failure;
import static dev.upstreamguard.core.FaultTestSupport.policy;
import static dev.upstreamguard.core.FaultTestSupport.upstream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.core.deadline.Deadline;
import dev.upstreamguard.core.deadline.RequestContext;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import java.time.Duration;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.junit.jupiter.api.Test;

class DeadlineEnforcementTest {

    @Test
    void requestContextDeadlineBoundsTheWholeCall() {
        try (FaultyUpstream server = FaultyUpstream.start(Fault.blackhole())) {
            Upstream upstream = upstream(server.baseUri(), policy().requestTimeout(Duration.ofSeconds(10))
                    .attemptTimeout(Duration.ofSeconds(5)).build());
            Duration budget = Duration.ofMillis(300);
            UpstreamException e;
            try (RequestContext.Scope ignored = RequestContext.of("id-1", Deadline.after(budget), null).attach()) {
                e = failure(upstream, ClassicRequestBuilder.get("/").build());
            }
            assertThat(e.kind()).isEqualTo(FailureKind.HTTP_RESPONSE_TIMEOUT);
            assertThat(e.status()).isEqualTo(504);
            assertThat(e.attempts()).isEqualTo(1);
            assertThat(e.elapsed()).isBetween(budget, budget.plus(SLACK));
            assertNoLeakedConnection(upstream);
            upstream.close();
        }
    }

    @Test
    void expiredDeadlineFailsWithoutTouchingTheNetwork() {
        try (FaultyUpstream server = FaultyUpstream.start(Fault.ok("never"))) {
            Upstream upstream = upstream(server.baseUri(), policy().build());
            UpstreamException e;
            try (RequestContext.Scope ignored = RequestContext.of("id", Deadline.after(Duration.ZERO), null).attach()) {
                e = failure(upstream, ClassicRequestBuilder.get("/").build());
            }
            assertThat(e.kind()).isEqualTo(FailureKind.DEADLINE_EXCEEDED);
            assertThat(e.status()).isEqualTo(504);
            assertThat(e.attempts()).isZero();
            assertThat(server.connectionsAccepted()).isZero();
            upstream.close();
        }
    }

    @Test
    void closingTheUpstreamLeavesNoTimerThreadBehind() throws Exception {
        try (FaultyUpstream server = FaultyUpstream.start(Fault.ok("x"))) {
            Upstream upstream = Upstream.builder("threads-check").baseUri(server.baseUri()).build();
            upstream.execute(ClassicRequestBuilder.get("/").build());
            assertThat(Thread.getAllStackTraces().keySet())
                    .anyMatch(t -> t.getName().equals("upstream-guard-timer-threads-check"));
            upstream.close();
        }
        await().atMost(Duration.ofSeconds(2)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("upstream-guard-timer-threads-check") && t.isAlive()));
    }
}
