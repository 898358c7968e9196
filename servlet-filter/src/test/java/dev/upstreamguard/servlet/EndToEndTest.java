package dev.upstreamguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.servlet.testing.MiniJson;
import dev.upstreamguard.servlet.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One request, end to end: filter -> application -> core -> a real upstream (or a closed port). */
class EndToEndTest {
    private static TestServer upstreamServer;
    private static TestServer app;
    private static Upstream echo;
    private static Upstream down;

    @BeforeAll
    static void start() throws Exception {
        upstreamServer = TestServer.builder()
                .servlet("/echo", (req, res) -> res.getWriter().print(req.getHeader("X-Request-ID") + "|"
                        + req.getHeader("X-Request-Timeout-Ms") + "|" + req.getHeader("traceparent")))
                .start();
        echo = Upstream.builder("echo").baseUri("http://127.0.0.1:" + upstreamServer.port()).build();
        down = Upstream.builder("billing").baseUri(FaultyUpstream.refusingBaseUri()).build();
        app = TestServer.builder()
                .filter(new UpstreamGuardFilter(UpstreamGuardConfig.builder().requestTimeout(Duration.ofSeconds(5))
                        .build()))
                .servlet("/call", (req, res) -> res.getWriter().print(
                        echo.execute(ClassicRequestBuilder.get("/echo").build()).bodyAsString()))
                .servlet("/down", (req, res) -> res.getWriter().print(
                        down.execute(ClassicRequestBuilder.post("/charge").build()).bodyAsString()))
                .start();
    }

    @AfterAll
    static void stop() {
        app.close();
        upstreamServer.close();
        echo.close();
        down.close();
    }

    @Test
    void forwardsCorrelationIdAndRemainingBudgetUpstream() {
        String[] seen = app.get("/call", "X-Request-ID", "e2e-1").body().split("\\|");
        assertThat(seen[0]).isEqualTo("e2e-1");
        assertThat(Long.parseLong(seen[1])).isBetween(1L, 5_000L);
    }

    @Test
    void generatedIdBecomesTheTraceIdSentUpstream() {
        HttpResponse<String> r = app.get("/call");
        String id = r.headers().firstValue("X-Request-ID").orElseThrow();
        String[] seen = r.body().split("\\|");
        assertThat(seen[0]).isEqualTo(id);
        assertThat(seen[2]).startsWith("00-" + id + "-");
    }

    @Test
    void answersRefusedUpstreamWithProblemJson() {
        HttpResponse<String> r = app.get("/down", "X-Request-ID", "e2e-2", "Accept", "application/json");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.headers().firstValue("Proxy-Status").orElseThrow())
                .startsWith("upstream-guard; error=connection_refused");
        Map<String, Object> json = MiniJson.object(r.body());
        assertThat(json).containsEntry("correlationId", "e2e-2").containsEntry("kind", "connection_refused")
                .containsEntry("requestSent", false).containsEntry("retryable", true);
        assertThat(r.body()).doesNotContain("127.0.0.1").doesNotContain("Connection refused");
    }
}
