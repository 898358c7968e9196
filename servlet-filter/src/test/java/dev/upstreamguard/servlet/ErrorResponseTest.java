package dev.upstreamguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.servlet.testing.Failures;
import dev.upstreamguard.servlet.testing.MiniJson;
import dev.upstreamguard.servlet.testing.TestServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.ServletException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ErrorResponseTest {
    private static final SimpleMeterRegistry METERS = new SimpleMeterRegistry();
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.builder()
                .filter(new UpstreamGuardFilter(UpstreamGuardConfig.builder().meterRegistry(METERS).build()))
                .servlet("/refused", (req, res) -> {
                    throw Failures.refused();
                })
                .servlet("/open", (req, res) -> {
                    throw Failures.circuitOpen(Duration.ofMillis(29_001));
                })
                .servlet("/upstream503", (req, res) -> {
                    throw Failures.upstream503(Duration.ofSeconds(120));
                })
                .servlet("/timeout", (req, res) -> {
                    throw Failures.timeout();
                })
                .servlet("/config", (req, res) -> {
                    throw Failures.configurationError();
                })
                .servlet("/wrapped-servlet", (req, res) -> {
                    throw new ServletException("framework", Failures.refused());
                })
                .servlet("/wrapped-deep", (req, res) -> {
                    throw new IllegalStateException("outer",
                            new CompletionException(new UncheckedIOException(Failures.timeout())));
                })
                .servlet("/partial", (req, res) -> {
                    res.setHeader("Content-Disposition", "attachment; filename=report.csv");
                    res.setContentType("text/csv");
                    res.getWriter().print("half,a,report");
                    throw Failures.refused();
                })
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static HttpResponse<String> get(String path, String accept) {
        return server.get(path, "Accept", accept, "X-Request-ID", "corr-123");
    }

    private static String header(HttpResponse<String> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    @Test
    void rendersProblemJson() {
        HttpResponse<String> r = get("/refused", "application/problem+json");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(header(r, "Content-Type")).isEqualTo("application/problem+json;charset=utf-8");
        assertThat(r.body()).isEqualTo("{\"type\":\"about:blank\",\"title\":\"Bad Gateway\",\"status\":502,"
                + "\"detail\":\"This site could not reach a service it depends on (3 attempts; last: connection"
                + " refused).\",\"instance\":\"/refused\",\"correlationId\":\"corr-123\",\"retryable\":true,"
                + "\"requestSent\":false,\"kind\":\"connection_refused\",\"errorType\":\"connection_refused\"}");
        MiniJson.parse(r.body());
    }

    @Test
    void rendersPlainText() {
        HttpResponse<String> r = get("/open", "text/plain");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(header(r, "Content-Type")).isEqualTo("text/plain;charset=utf-8");
        assertThat(r.body()).isEqualTo("""
                503 Service Unavailable
                A service this site depends on is failing, so this site is giving it a short break.
                This is usually temporary: please try again in about 30 seconds.
                Your request did not reach the service, so sending it again is safe.
                Correlation ID (quote it when you report the problem): corr-123
                Error: destination_unavailable (circuit breaker open)
                For the site's owner: The circuit breaker opened after repeated failures and lets a few requests\
                 through again after the Retry-After time: check the upstream's health.
                """);
    }

    @Test
    void rendersSelfContainedAccessibleHtmlPage() {
        HttpResponse<String> r = get("/timeout", "text/html");
        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(header(r, "Content-Type")).isEqualTo("text/html;charset=utf-8");
        String html = r.body();
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<html lang=\"en\">")
                .contains("<meta charset=\"utf-8\">")
                .contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .contains("<meta name=\"robots\" content=\"noindex\">")
                .contains("<title>504 Gateway Timeout</title>")
                .contains("<h1>A service this site depends on took too long to answer.</h1>")
                .contains("<style>")
                .contains("This is usually temporary: trying again in a minute or two may work.")
                .contains("It is not known whether your request reached the service.")
                .contains("<code class=\"id\">corr-123</code>")
                .contains("Error: <code>http_response_timeout</code> (no response within 2000 ms; 2 attempts)")
                .contains("<h2 id=\"owner\">For the site's owner</h2>")
                .contains("check its latency, and that connect &lt;= attempt &lt;= request deadline &lt; front proxy");
        // Self-contained: no scripts, no external stylesheets, images or fonts.
        assertThat(html).doesNotContain("<script").doesNotContain("<link").doesNotContain("src=")
                .doesNotContain("url(").doesNotContain("http://").doesNotContain("https://").doesNotContain("@import");
    }

    @Test
    void marksTheFailedHop() {
        String upstreamDown = get("/refused", "text/html").body();
        assertThat(upstreamDown)
                .contains("<li class=\"hop\"><span class=\"who\">You</span><span class=\"what\">Browser</span>"
                        + "<span class=\"state\"><span aria-hidden=\"true\">&#10003; </span>Working</span></li>")
                .contains("<li class=\"hop\"><span class=\"who\">This site</span><span class=\"what\">Web application"
                        + "</span><span class=\"state\"><span aria-hidden=\"true\">&#10003; </span>Working</span></li>")
                .contains("<li class=\"hop failed\"><span class=\"who\">Upstream service</span><span class=\"what\">"
                        + "Service this site depends on</span><span class=\"state\"><span aria-hidden=\"true\">"
                        + "&#10007; </span>Unreachable</span></li>");
        String siteBroken = get("/config", "text/html").body();
        assertThat(siteBroken)
                .contains("<li class=\"hop failed\"><span class=\"who\">This site</span>")
                .contains("&#10007; </span>Error</span>")
                .contains("<li class=\"hop idle\"><span class=\"who\">Upstream service</span>")
                .contains("Not contacted");
    }

    @Test
    void setsHeadersOnEveryRepresentation() {
        for (String accept : new String[] {"text/html", "application/problem+json", "text/plain"}) {
            HttpResponse<String> r = get("/refused", accept);
            assertThat(header(r, "Proxy-Status"))
                    .isEqualTo("upstream-guard; error=connection_refused; details=\"3 attempts; last: connection refused\"");
            assertThat(header(r, "Cache-Control")).isEqualTo("no-store");
            assertThat(header(r, "X-Request-ID")).isEqualTo("corr-123");
            assertThat(header(r, "Vary")).isEqualTo("Accept");
            assertThat(header(r, "X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(header(r, "Content-Type")).isEqualTo(accept + ";charset=utf-8");
            assertThat(header(r, "Content-Length")).isEqualTo(Integer.toString(r.body().getBytes(
                    java.nio.charset.StandardCharsets.UTF_8).length));
            assertThat(header(r, "Retry-After")).isNull();
        }
    }

    @Test
    void setsRetryAfterUntilBreakerHalfOpens() {
        HttpResponse<String> r = get("/open", "application/json");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(header(r, "Retry-After")).isEqualTo("30");
        assertThat(header(r, "Proxy-Status"))
                .isEqualTo("upstream-guard; error=destination_unavailable; details=\"circuit breaker open\"");
        Map<String, Object> json = MiniJson.object(r.body());
        assertThat(json).containsEntry("retryAfter", 30L).containsEntry("retryable", true)
                .containsEntry("requestSent", false).containsEntry("kind", "circuit_open");
    }

    @Test
    void passesOnUpstreamRetryAfterAndReceivedStatus() {
        HttpResponse<String> r = get("/upstream503", "application/json");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(header(r, "Retry-After")).isEqualTo("120");
        assertThat(header(r, "Proxy-Status"))
                .isEqualTo("upstream-guard; received-status=503; details=\"upstream answered 503\"");
        Map<String, Object> json = MiniJson.object(r.body());
        assertThat(json).containsEntry("retryAfter", 120L).containsEntry("requestSent", true)
                .containsEntry("kind", "upstream_status").doesNotContainKey("errorType");
        assertThat(get("/upstream503", "text/html").body()).contains("please try again in about 2 minutes.");
    }

    @Test
    void saysRequestSentIsUnknownWhenItIs() {
        Map<String, Object> json = MiniJson.object(get("/timeout", "application/json").body());
        assertThat(json).containsEntry("requestSent", "unknown").containsEntry("status", 504L)
                .containsEntry("title", "Gateway Timeout").doesNotContainKey("retryAfter");
    }

    @Test
    void marksConfigurationErrorNotRetryable() {
        HttpResponse<String> r = get("/config", "application/json");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(header(r, "Retry-After")).isNull();
        assertThat(MiniJson.object(r.body())).containsEntry("retryable", false)
                .containsEntry("errorType", "proxy_configuration_error");
        assertThat(get("/config", "text/plain").body())
                .contains("Trying again will not help until the site's owner fixes the problem.");
    }

    @Test
    void unwrapsServletException() {
        HttpResponse<String> r = get("/wrapped-servlet", "application/json");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(MiniJson.object(r.body())).containsEntry("kind", "connection_refused");
    }

    @Test
    void walksTheCauseChainOfFrameworkExceptions() {
        HttpResponse<String> r = get("/wrapped-deep", "application/json");
        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(MiniJson.object(r.body())).containsEntry("kind", "http_response_timeout");
    }

    @Test
    void discardsBufferedOutputAndHeadersOfTheFailedResponse() {
        HttpResponse<String> r = get("/partial", "text/plain");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).startsWith("502 Bad Gateway\n").doesNotContain("half,a,report");
        assertThat(header(r, "Content-Disposition")).isNull();
        assertThat(header(r, "Content-Type")).isEqualTo("text/plain;charset=utf-8");
    }

    @Test
    void countsRenderedErrorsByStatusAndKind() {
        double before = count("503", "circuit_open");
        get("/open", "text/plain");
        get("/open", "text/html");
        assertThat(count("503", "circuit_open")).isEqualTo(before + 2);
    }

    private static double count(String status, String kind) {
        var counter = METERS.find("upstream.guard.error.responses").tag("status", status).tag("kind", kind).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void appliesDisplaySettings() throws Exception {
        UpstreamGuardConfig config = UpstreamGuardConfig.builder()
                .showUpstreamName(true)
                .showDetails(false)
                .showOwnerGuidance(false)
                .siteName("Example Shop")
                .proxyStatusEnabled(false)
                .problemTypeBase("https://example.com/problems/")
                .build();
        try (TestServer s = TestServer.builder().filter(new UpstreamGuardFilter(config))
                .servlet("/refused", (req, res) -> {
                    throw Failures.refused();
                }).start()) {
            HttpResponse<String> json = s.get("/refused", "Accept", "application/json");
            assertThat(json.headers().firstValue("Proxy-Status")).isEmpty();
            assertThat(MiniJson.object(json.body()))
                    .containsEntry("type", "https://example.com/problems/connection_refused")
                    .containsEntry("upstream", "billing")
                    .containsEntry("detail", "This site could not reach a service it depends on.");
            String html = s.get("/refused", "Accept", "text/html").body();
            assertThat(html).contains("<span class=\"who\">billing</span>")
                    .contains("<span class=\"who\">Example Shop</span>")
                    .doesNotContain("For the site's owner").doesNotContain("3 attempts");
            assertThat(s.get("/refused", "Accept", "text/plain").body()).contains("Upstream service: billing\n")
                    .doesNotContain("For the site's owner").doesNotContain("3 attempts");
        }
    }

    @Test
    void hidesUpstreamNameByDefault() {
        for (String accept : new String[] {"text/html", "application/problem+json", "text/plain"}) {
            assertThat(get("/refused", accept).body()).doesNotContain("billing");
        }
    }

    @Test
    void usesDetailsNeverTheExceptionMessage() {
        UpstreamException e = Failures.refused();
        assertThat(e.getMessage()).contains("billing");
        assertThat(get("/refused", "text/plain").body()).contains(e.details()).doesNotContain(e.getMessage());
    }
}
