package dev.upstreamguard.core;

import static dev.upstreamguard.core.FaultTestSupport.failure;
import static dev.upstreamguard.core.FaultTestSupport.policy;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.upstreamguard.core.deadline.RequestContext;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ObservabilityTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger("dev.upstreamguard.core.Upstream");

    @BeforeEach
    void captureLogs() {
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void release() {
        logger.detachAppender(logs);
    }

    @Test
    void failedCallIsOneLogLineNamingTheLayerAndOneTimedMetric() {
        try (FaultyUpstream server = FaultyUpstream.start(Fault.resetAfterRequest());
                Upstream upstream = Upstream.builder("billing").baseUri(server.baseUri())
                        .policy(policy().build()).meterRegistry(registry).build()) {
            try (RequestContext.Scope ignored = RequestContext.of("corr-123", null, null).attach()) {
                failure(upstream, ClassicRequestBuilder.get("/invoices").build());
            }
            assertThat(logs.list).hasSize(1);
            assertThat(logs.list.get(0).getFormattedMessage())
                    .startsWith("upstream call failed: upstream=billing layer=tcp kind=connection_terminated"
                            + " error=connection_terminated status=502 received=0 attempts=3 elapsedMs=")
                    .contains("correlationId=corr-123")
                    .contains("details=\"connection reset before a response; 3 attempts\"");
            assertThat(registry.get("upstream.guard.calls").tag("upstream", "billing").tag("outcome", "failure")
                    .tag("kind", "connection_terminated").tag("status", "502").timer().count()).isEqualTo(1);
            assertThat(registry.get("upstream.guard.retries").tag("kind", "connection_terminated").counter().count())
                    .isEqualTo(2.0);
        }
    }

    @Test
    void successfulCallIsTimedWithItsStatus() throws Exception {
        try (FaultyUpstream server = FaultyUpstream.start(Fault.ok("fine"));
                Upstream upstream = Upstream.builder("billing").baseUri(server.baseUri())
                        .policy(policy().build()).meterRegistry(registry).build()) {
            upstream.execute(ClassicRequestBuilder.get("/").build());
            assertThat(registry.get("upstream.guard.calls").tag("outcome", "success").tag("kind", "none")
                    .tag("status", "200").tag("method", "GET").timer().count()).isEqualTo(1);
            assertThat(logs.list).isEmpty();
        }
    }

    @Test
    void breakerStateIsAGauge() {
        try (Upstream upstream = Upstream.builder("gauged").baseUri("http://127.0.0.1:1")
                .meterRegistry(registry).build()) {
            assertThat(upstream.circuitBreaker()).isNotNull();
            assertThat(registry.get("upstream.guard.breaker.state").tag("upstream", "gauged").gauge().value())
                    .isZero();
        }
    }
}
