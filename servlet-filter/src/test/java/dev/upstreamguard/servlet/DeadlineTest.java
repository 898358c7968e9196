package dev.upstreamguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.core.deadline.RequestContext;
import dev.upstreamguard.servlet.testing.Probe;
import dev.upstreamguard.servlet.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DeadlineTest {
    private static final Probe PROBE = new Probe("correlationId", null);
    private static TestServer trusting;
    private static TestServer untrusting;

    @BeforeAll
    static void start() throws Exception {
        trusting = start(UpstreamGuardConfig.builder().requestTimeout(Duration.ofSeconds(8))
                .trustDeadlineHeader(true).build(), null);
        untrusting = start(UpstreamGuardConfig.builder().requestTimeout(Duration.ofSeconds(8)).build(), PROBE);
    }

    private static TestServer start(UpstreamGuardConfig config, Probe probe) throws Exception {
        TestServer.Builder b = TestServer.builder();
        if (probe != null) {
            b.outerFilter(probe);
        }
        return b.filter(new UpstreamGuardFilter(config))
                .servlet("/deadline", (req, res) -> {
                    RequestContext ctx = RequestContext.current();
                    res.getWriter().print(ctx.deadline().remaining().toMillis() + "|" + ctx.correlationId() + "|"
                            + ctx.traceparent());
                })
                .start();
    }

    @AfterAll
    static void stop() {
        trusting.close();
        untrusting.close();
    }

    private static long remainingMillis(TestServer s, String... headers) {
        return Long.parseLong(s.get("/deadline", headers).body().split("\\|")[0]);
    }

    @Test
    void opensDeadlineOfConfiguredBudget() {
        assertThat(remainingMillis(untrusting)).isBetween(3_000L, 8_000L);
    }

    @Test
    void ignoresDeadlineHeaderUnlessTrusted() {
        assertThat(remainingMillis(untrusting, "X-Request-Timeout-Ms", "50")).isGreaterThan(3_000L);
    }

    @Test
    void trustedDeadlineHeaderShortensBudget() {
        assertThat(remainingMillis(trusting, "X-Request-Timeout-Ms", "1500")).isBetween(1L, 1_500L);
    }

    @Test
    void trustedDeadlineHeaderNeverExtendsBudget() {
        assertThat(remainingMillis(trusting, "X-Request-Timeout-Ms", "600000")).isBetween(3_000L, 8_000L);
    }

    @Test
    void ignoresMalformedDeadlineHeader() {
        for (String value : new String[] {"-5", "1.5", "soon", "99999999999999999999", ""}) {
            assertThat(remainingMillis(trusting, "X-Request-Timeout-Ms", value)).as(value).isGreaterThan(3_000L);
        }
    }

    @Test
    void readsGrpcTimeoutSyntaxWhenSoNamed() throws Exception {
        UpstreamGuardConfig config = UpstreamGuardConfig.builder().deadlineHeader("grpc-timeout")
                .trustDeadlineHeader(true).build();
        try (TestServer s = start(config, null)) {
            assertThat(remainingMillis(s, "grpc-timeout", "2S")).isBetween(1L, 2_000L);
            assertThat(remainingMillis(s, "grpc-timeout", "250m")).isBetween(0L, 250L);
        }
    }

    @Test
    void contextCarriesCorrelationIdAndValidTraceparent() {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        String[] parts = untrusting.get("/deadline", "X-Request-ID", "dl-1", "traceparent", traceparent).body()
                .split("\\|");
        assertThat(parts[1]).isEqualTo("dl-1");
        assertThat(parts[2]).isEqualTo(traceparent);
        assertThat(untrusting.get("/deadline", "traceparent", "00-bogus").body()).endsWith("|null");
    }

    @Test
    void detachesContextWhenRequestEnds() throws Exception {
        while (PROBE.poll() != null) {
            // discard earlier requests
        }
        untrusting.get("/deadline");
        Probe.Snapshot after = PROBE.next();
        assertThat(after.context()).isNull();
        assertThat(after.mdc()).isNull();
    }
}
