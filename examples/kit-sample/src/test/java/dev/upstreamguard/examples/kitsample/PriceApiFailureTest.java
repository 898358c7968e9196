package dev.upstreamguard.examples.kitsample;

import static dev.upstreamguard.test.assertion.UpstreamAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.test.spring.FaultyUpstreamBeans;
import dev.upstreamguard.test.spring.FaultyUpstreams;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

// One attempt per call and no breaker, so that each test sees exactly the fault it sets.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "upstream-guard.upstreams.prices.retry.max-attempts=1",
        "upstream-guard.upstreams.prices.circuit-breaker.enabled=false"})
@FaultyUpstreams("prices")
class PriceApiFailureTest {
    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    FaultyUpstream prices;

    @BeforeEach
    void healthyByDefault() {
        prices = FaultyUpstreamBeans.get(context, "prices");
        prices.respond(Fault.ok("application/json", "{\"price\":7}"));
    }

    HttpResponse<String> getPrice() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/price/42"))
                .header("Accept", "application/problem+json").timeout(Duration.ofSeconds(10)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthyUpstreamIsPassedOn() throws Exception {
        assertThat(getPrice()).hasStatus(200).bodyContains("\"price\":7");
        assertEquals("/prices/42", prices.takeRequest(Duration.ofSeconds(1)).path());
    }

    @Test
    void overloadedUpstreamBecomes503WithRetryAfter() throws Exception {
        prices.respond(Fault.status(503, "busy", "Retry-After", "5"));

        assertThat(getPrice()).isServiceUnavailable().hasProxyStatusReceivedStatus(503).hasRetryAfter()
                .isProblemJson().hasProblemMember("retryable", true).hasCorrelationId();
    }

    @Test
    void workerCrashMidResponseBecomes502() throws Exception {
        prices.respond(Fault.resetMidBody(1000, 100));

        assertThat(getPrice()).isBadGateway().hasProxyStatusError("http_response_incomplete")
                .hasProblemMember("requestSent", true);
    }

    @Test
    void emptyResponseBecomes502() throws Exception {
        prices.respond(Fault.closeAfterRequest());

        assertThat(getPrice()).isBadGateway().hasProxyStatusError("connection_terminated").hasCorrelationId();
    }

    @Test
    void malformedHeadersBecome502() throws Exception {
        prices.respond(Fault.oversizedHeaders(64 * 1024));

        assertThat(getPrice()).isBadGateway().hasProxyStatusError("http_response_header_section_size");
    }

    @Test
    void firewallDroppingPacketsBecomes504() throws Exception {
        prices.respond(Fault.blackhole());

        assertThat(getPrice()).isGatewayTimeout().hasProxyStatusError("http_response_timeout");
    }

    @Test
    void upstreamSlowerThanOurTimeoutBecomes504() throws Exception {
        prices.respond(Fault.slowHeaders(Duration.ofSeconds(10)));

        assertThat(getPrice()).isGatewayTimeout().hasProxyStatusError("http_response_timeout")
                .hasProblemMember("errorType", "http_response_timeout");
    }

    @Test
    void staleKeepAliveConnectionNeverReachesTheVisitor() throws Exception {
        prices.respond(Fault.closeOnReuse("{\"price\":7}", Fault.Reuse.RST_BEFORE_REQUEST));

        assertThat(getPrice()).hasStatus(200);
        assertThat(getPrice()).hasStatus(200);
    }
}
