package dev.upstreamguard.core;

import static dev.upstreamguard.core.FaultTestSupport.upstream;
import static dev.upstreamguard.core.StreamingSupport.policy;
import static dev.upstreamguard.core.StreamingSupport.readChecked;
import static dev.upstreamguard.core.StreamingSupport.readUntilFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.core.deadline.Deadline;
import dev.upstreamguard.core.deadline.RequestContext;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.test.junit.LeakCheck;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Streamed bodies broken by the upstream on a real socket: each break reaches the caller as an
 * {@link UpstreamException} from {@code read()} (never a clean end), nothing is retried after the head, the breaker
 * records the failure, and the connection is released.
 */
class StreamingFaultTest {
    private static final int MIB = 1024 * 1024;

    @RegisterExtension
    final LeakCheck resources = new LeakCheck((Upstream u) -> u.connectionPoolStats().getLeased());

    private Upstream upstreamWithBreaker(FaultyUpstream server, UpstreamPolicy.Builder policy) {
        return resources.checked(upstream(server.baseUri(), policy.circuitBreakerEnabled(true).build()));
    }

    @Test
    void bodyTruncatedAtHalfFailsTheReadAsIncompleteAndIsNotRetried() throws Exception {
        FaultyUpstream server = resources.track(FaultyUpstream.start(Fault.truncatedMidBody(2 * MIB, MIB)));
        Upstream upstream = upstreamWithBreaker(server, policy());
        long[] read = {0};
        UpstreamException e;
        try (StreamedResponse r = upstream.stream(ClassicRequestBuilder.get("/").build())) {
            e = readUntilFailure(r.body(), read);
            assertThat(upstream.connectionPoolStats().getLeased()).as("released at the failure").isZero();
        }
        assertThat(read[0]).isEqualTo(MIB);
        assertThat(e.kind()).isEqualTo(FailureKind.HTTP_RESPONSE_INCOMPLETE);
        assertThat(e.status()).isEqualTo(502);
        assertThat(e.receivedStatus()).isEqualTo(200);
        assertThat(e.details()).contains("after " + MIB + " body bytes");
        assertThat(server.requestsReceived()).as("nothing is retried once the body was handed over").isEqualTo(1);
        CircuitBreaker.Metrics breaker = upstream.circuitBreaker().getMetrics();
        assertThat(breaker.getNumberOfFailedCalls()).as("the breaker records the broken body").isEqualTo(1);
        assertThat(upstream.lastFailureKind()).isEqualTo(FailureKind.HTTP_RESPONSE_INCOMPLETE);
    }

    @Test
    void bodyResetAtHalfFailsTheReadAsIncomplete() throws Exception {
        FaultyUpstream server = resources.track(FaultyUpstream.start(Fault.resetMidBody(2 * MIB, MIB)));
        Upstream upstream = upstreamWithBreaker(server, policy());
        long[] read = {0};
        try (StreamedResponse r = upstream.stream(ClassicRequestBuilder.get("/").build())) {
            UpstreamException e = readUntilFailure(r.body(), read);
            assertThat(e.kind()).isEqualTo(FailureKind.HTTP_RESPONSE_INCOMPLETE);
        }
        assertThat(read[0]).as("what arrived before the reset").isLessThanOrEqualTo(MIB);
        assertThat(upstream.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
    }

    @Test
    void chunkedBodyWithoutItsLastChunkFailsTheRead() throws Exception {
        FaultyUpstream server = resources.track(FaultyUpstream.start(Fault.chunkedBody(MIB, false)));
        Upstream upstream = upstreamWithBreaker(server, policy());
        long[] read = {0};
        try (StreamedResponse r = upstream.stream(ClassicRequestBuilder.get("/").build())) {
            UpstreamException e = readUntilFailure(r.body(), read);
            assertThat(e.kind()).isEqualTo(FailureKind.HTTP_RESPONSE_INCOMPLETE);
        }
        assertThat(read[0]).isEqualTo(MIB);
    }

    @Test
    void completeChunkedBodyEndsCleanly() throws Exception {
        FaultyUpstream server = resources.track(FaultyUpstream.start(Fault.chunkedBody(MIB, true)));
        Upstream upstream = upstreamWithBreaker(server, policy());
        try (StreamedResponse r = upstream.stream(ClassicRequestBuilder.get("/").build())) {
            assertThat(r.contentLength()).isEqualTo(-1);
            assertThat(readChecked(r.body())).isEqualTo(MIB);
        }
    }

    @Test
    void stallAfterOneMegabyteFailsTheReadAfterTheStallTimeout() throws Exception {
        FaultyUpstream server = resources.track(FaultyUpstream.start(Fault.stallMidBody(4 * MIB, MIB)));
        Upstream upstream = upstreamWithBreaker(server, policy().stallTimeout(Duration.ofSeconds(1)));
        long[] read = {0};
        try (StreamedResponse r = upstream.stream(ClassicRequestBuilder.get("/").build())) {
            long start = System.nanoTime();
            assertThat(readChecked(r.body(), MIB)).isEqualTo(MIB);
            UpstreamException e = readUntilFailure(r.body(), read);
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertThat(e.kind()).isEqualTo(FailureKind.HTTP_RESPONSE_TIMEOUT);
            assertThat(e.status()).isEqualTo(504);
            assertThat(e.details()).startsWith("response body stalled (no byte for 1000 ms)");
            assertThat(waited).isBetween(Duration.ofMillis(950), Duration.ofSeconds(4));
        }
        assertThat(read[0]).isZero();
        assertThat(upstream.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 0);
    }

    @Test
    void slowButSteadyBodyOutlivesTheStallAndAttemptTimeouts() throws Exception {
        // Each write comes 150 ms after the last; the stall timeout (1 s) is well above that, the attempt
        // timeout (400 ms) well below the whole body (about 3 s). -Dupstreamguard.longStreaming=true: 10 KB/s for 60 s.
        boolean longRun = Boolean.getBoolean("upstreamguard.longStreaming");
        int chunks = longRun ? 600 : 20;
        int chunkBytes = longRun ? 1000 : 4096;
        Duration interval = Duration.ofMillis(longRun ? 100 : 150);
        FaultyUpstream server = resources.track(FaultyUpstream.start(Fault.steadyBody(chunks, chunkBytes, interval)));
        Upstream upstream = upstreamWithBreaker(server, policy().attemptTimeout(Duration.ofMillis(400))
                .poolLeaseTimeout(Duration.ofMillis(200)).stallTimeout(Duration.ofSeconds(1)));
        long start = System.nanoTime();
        try (StreamedResponse r = upstream.stream(ClassicRequestBuilder.get("/").build())) {
            assertThat(readChecked(r.body())).isEqualTo((long) chunks * chunkBytes);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).as("longer than the attempt timeout").isGreaterThan(interval.multipliedBy(chunks - 1));
        assertThat(upstream.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isZero();
        assertThat(server.openConnections()).as("kept alive").isEqualTo(1);
    }

    @Test
    void requestDeadlineBoundsTheBody() throws Exception {
        FaultyUpstream server = resources.track(FaultyUpstream.start(Fault.steadyBody(40, 1024, Duration.ofMillis(100))));
        Upstream upstream = upstreamWithBreaker(server, policy().stallTimeout(Duration.ofSeconds(2)));
        long[] read = {0};
        long start = System.nanoTime();
        UpstreamException e;
        try (RequestContext.Scope scope = RequestContext.of("deadline-test", Deadline.after(Duration.ofMillis(1200)),
                null).attach();
                StreamedResponse r = upstream.stream(ClassicRequestBuilder.get("/").build())) {
            e = readUntilFailure(r.body(), read);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(e.kind()).isEqualTo(FailureKind.HTTP_RESPONSE_TIMEOUT);
        assertThat(e.details()).startsWith("response body not complete before the deadline");
        assertThat(took).isBetween(Duration.ofMillis(1150), Duration.ofMillis(1200 + 1500));
        assertThat(read[0]).isBetween(1024L, 39L * 1024);
    }

    @Test
    void callerGoingAwayMidStreamReleasesTheConnectionAndTheUpstreamSeesTheClose() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        FaultyUpstream server = resources.track(FaultyUpstream.start(Fault.streamedBody(256 * MIB)));
        Upstream upstream = resources.checked(Upstream.builder("files").baseUri(server.baseUri())
                .policy(policy().build()).meterRegistry(registry).build());
        StreamedResponse r = upstream.stream(ClassicRequestBuilder.get("/").build());
        assertThat(readChecked(r.body(), MIB)).isEqualTo(MIB);
        assertThat(upstream.connectionPoolStats().getLeased()).isEqualTo(1);
        long start = System.nanoTime();
        r.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("closed, not drained")
                .isLessThan(Duration.ofSeconds(1));
        assertThat(upstream.connectionPoolStats().getLeased()).isZero();
        assertThat(upstream.connectionPoolStats().getAvailable()).as("not kept: the body was not read").isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 0);
        assertThat(registry.get("upstream.guard.stream.bytes").tag("outcome", "abandoned").summary().totalAmount())
                .isEqualTo(MIB);
        assertThatThrownBy(() -> r.body().read()).as("a closed body is not a clean end").isInstanceOf(IOException.class)
                .hasMessage("response body closed");
    }

    @Test
    void moreThanContentLengthIsCutAtTheLengthAndTheConnectionIsNotReused() throws Exception {
        FaultyUpstream server = resources.track(FaultyUpstream.start(Fault.overlongBody(MIB, MIB + 4096)));
        Upstream upstream = upstreamWithBreaker(server, policy());
        for (int call = 0; call < 2; call++) {
            try (StreamedResponse r = upstream.stream(ClassicRequestBuilder.get("/").build())) {
                assertThat(readChecked(r.body())).isEqualTo(MIB);
            }
        }
        assertThat(server.connectionsAccepted()).as("the extra bytes never reach the next exchange").isEqualTo(2);
    }
}
