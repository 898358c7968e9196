package dev.upstreamguard.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The demo as a visitor meets it: started without arguments but a random port, with its built-in upstream. */
class DemoRoutesTest {
    private static final String PROBLEM_JSON = "application/problem+json";
    private static RunningGateway gateway;

    @BeforeAll
    static void start() {
        gateway = RunningGateway.start();
    }

    @AfterAll
    static void stopAndCheckTheBuiltInUpstreamStopsWithIt() {
        if (gateway == null) {
            return;
        }
        int healthyPort = gateway.context().getBean(BuiltInUpstream.class).server(DemoRoute.HEALTHY).port();
        gateway.close();
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), healthyPort).close())
                .isInstanceOf(ConnectException.class);
    }

    @ParameterizedTest
    @EnumSource(value = DemoRoute.class, names = "BREAKER", mode = EnumSource.Mode.EXCLUDE)
    void eachRouteAnswersItsStatusAndProxyStatusError(DemoRoute route) throws Exception {
        HttpResponse<String> response = gateway.get(route.path(), "Accept", PROBLEM_JSON);

        assertThat(response.statusCode()).isEqualTo(route.expectedStatus());
        String id = response.headers().firstValue("X-Request-ID").orElseThrow();
        if (route.expectedStatus() == 200) {
            assertThat(response.headers().firstValue("Proxy-Status")).isEmpty();
            assertThat(response.body()).startsWith("{\"message\":");
            return;
        }
        String proxyStatus = response.headers().firstValue("Proxy-Status").orElseThrow();
        if (route.expectedError() != null) {
            assertThat(proxyStatus).startsWith("upstream-guard; error=" + route.expectedError() + ";");
        } else {
            assertThat(proxyStatus).doesNotContain("error=").contains("received-status=");
        }
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith(PROBLEM_JSON));
        assertThat(response.body()).contains("\"status\":" + route.expectedStatus())
                .contains("\"correlationId\":\"" + id + "\"")
                .contains("\"upstream\":\"" + route.routeName() + "\"")
                .doesNotContain("127.0.0.1");
    }

    @Test
    void retriesAStaleKeepAliveConnectionOnAFreshOne() throws Exception {
        for (int call = 1; call <= 4; call++) {
            assertThat(gateway.get(DemoRoute.STALE.path()).statusCode()).as("call %d", call).isEqualTo(200);
        }
        // The upstream closed every connection after one answer, so each reuse met a closed socket.
        assertThat(gateway.context().getBean(BuiltInUpstream.class).server(DemoRoute.STALE).connectionsAccepted())
                .isGreaterThanOrEqualTo(4);
    }

    @Test
    void passesTheUpstreamsRetryAfterOnWithItsUnavailable() throws Exception {
        HttpResponse<String> response = gateway.get(DemoRoute.UNAVAILABLE.path(), "Accept", PROBLEM_JSON);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).contains("7");
        assertThat(response.headers().firstValue("Proxy-Status")).hasValueSatisfying(
                value -> assertThat(value).contains("received-status=503"));
    }

    @Test
    void breakerRouteTurns502sInto503WithRetryAfter() throws Exception {
        for (int click = 1; click <= 3; click++) {
            HttpResponse<String> response = gateway.get(DemoRoute.BREAKER.path(), "Accept", PROBLEM_JSON);
            assertThat(response.statusCode()).as("click %d", click).isEqualTo(502);
            assertThat(response.headers().firstValue("Proxy-Status")).hasValueSatisfying(
                    value -> assertThat(value).contains("received-status=500"));
        }

        HttpResponse<String> open = gateway.get(DemoRoute.BREAKER.path(), "Accept", "text/html");

        assertThat(open.statusCode()).isEqualTo(503);
        assertThat(open.headers().firstValue("Proxy-Status")).hasValueSatisfying(
                value -> assertThat(value).startsWith("upstream-guard; error=destination_unavailable;"));
        assertThat(open.headers().firstValue("Retry-After")).hasValueSatisfying(
                seconds -> assertThat(Integer.parseInt(seconds)).isBetween(1, 30));
        assertThat(open.body()).contains("<title>503").contains(open.headers().firstValue("X-Request-ID").orElseThrow());
        assertThat(gateway.get("/").body()).contains("breaker <strong>open</strong>");
    }

    @Test
    void indexPageLinksEveryRoute() throws Exception {
        HttpResponse<String> index = gateway.get("/", "Accept", "text/html");

        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/html"));
        assertThat(index.body()).startsWith("<!DOCTYPE html>").contains("<html lang=\"en\">").doesNotContain("<script");
        for (DemoRoute route : DemoRoute.values()) {
            assertThat(index.body()).contains("<a href=\"" + route.path() + "\">" + route.routeName() + "</a>");
        }
        assertThat(gateway.get("/api/hello").body()).contains("hello from the built-in backend");
    }

    @Test
    void indexPageShowsTheCountsOfTheMeters() throws Exception {
        for (int i = 0; i < 2; i++) {
            assertThat(gateway.get(DemoRoute.REFUSED.path()).statusCode()).isEqualTo(502);
        }
        MeterRegistry registry = gateway.context().getBean(MeterRegistry.class);
        long refused = registry.find("upstream.guard.calls").tag("kind", "connection_refused").timers().stream()
                .mapToLong(Timer::count).sum();
        long pages502 = (long) registry.find("upstream.guard.error.responses").tag("status", "502").counters()
                .stream().mapToDouble(c -> c.count()).sum();

        String index = gateway.get("/").body();

        assertThat(refused).isGreaterThanOrEqualTo(2);
        assertThat(index).contains("<tr><td><code>connection_refused</code></td><td class=\"n\">" + refused + "</td></tr>")
                .contains("<tr><td><code>502</code></td><td class=\"n\">" + pages502 + "</td></tr>");
    }

    @Test
    void exposesHealthAndPrometheusMetrics() throws Exception {
        gateway.get(DemoRoute.HEALTHY.path());

        HttpResponse<String> health = gateway.get("/actuator/health");
        HttpResponse<String> prometheus = gateway.get("/actuator/prometheus");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"upstreamGuard\"").contains("\"healthy\"").contains("\"circuitBreaker\"");
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).contains("upstream_guard_calls_seconds_count{")
                .contains("upstream=\"healthy\"");
    }
}
