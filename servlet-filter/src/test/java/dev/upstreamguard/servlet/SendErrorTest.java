package dev.upstreamguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.servlet.testing.LogCapture;
import dev.upstreamguard.servlet.testing.MiniJson;
import dev.upstreamguard.servlet.testing.TestServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SendErrorTest {
    private static final SimpleMeterRegistry METERS = new SimpleMeterRegistry();
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = start(UpstreamGuardConfig.builder().meterRegistry(METERS).build());
    }

    private static TestServer start(UpstreamGuardConfig config) throws Exception {
        return TestServer.builder()
                .filter(new UpstreamGuardFilter(config))
                .servlet("/send/*", (req, res) -> {
                    int status = Integer.parseInt(req.getPathInfo().substring(1));
                    if (req.getParameter("retryAfter") != null) {
                        res.setHeader("Retry-After", req.getParameter("retryAfter"));
                    }
                    res.sendError(status, "db-7.internal 10.1.2.3:5432 java.sql.SQLException");
                    res.getWriter().print("written after sendError");
                    res.setStatus(200);
                })
                .start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void rendersPageForApplicationSendError() {
        for (int status : List.of(502, 503, 504)) {
            HttpResponse<String> r = server.get("/send/" + status, "Accept", "application/json", "X-Request-ID", "se-1");
            assertThat(r.statusCode()).isEqualTo(status);
            assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json;charset=utf-8");
            assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
            assertThat(r.headers().firstValue("X-Request-ID")).contains("se-1");
            assertThat(r.headers().firstValue("Proxy-Status")).isEmpty();
            Map<String, Object> json = MiniJson.object(r.body());
            assertThat(json).containsEntry("status", (long) status).containsEntry("correlationId", "se-1")
                    .containsEntry("retryable", true).containsEntry("requestSent", "unknown")
                    .doesNotContainKey("kind").doesNotContainKey("errorType");
        }
    }

    @Test
    void rendersHtmlPageForSendError() {
        HttpResponse<String> r = server.get("/send/503", "Accept", "text/html");
        assertThat(r.body()).contains("<title>503 Service Unavailable</title>")
                .contains("<h1>This site is temporarily unavailable.</h1>")
                .contains("<li class=\"hop failed\"><span class=\"who\">This site</span>");
        assertThat(server.get("/send/504", "Accept", "text/html").body())
                .contains("<li class=\"hop failed\"><span class=\"who\">Upstream service</span>")
                .contains("Timed out");
    }

    @Test
    void keepsRetryAfterSetByTheApplication() {
        HttpResponse<String> r = server.get("/send/503?retryAfter=45", "Accept", "application/json");
        assertThat(r.headers().firstValue("Retry-After")).contains("45");
        assertThat(MiniJson.object(r.body())).containsEntry("retryAfter", 45L);
        assertThat(server.get("/send/503?retryAfter=45", "Accept", "text/plain").body())
                .contains("please try again in about 45 seconds.");
    }

    @Test
    void neverShowsTheSendErrorMessage() {
        for (String accept : List.of("text/html", "application/json", "text/plain")) {
            assertThat(server.get("/send/502", "Accept", accept).body()).doesNotContain("db-7")
                    .doesNotContain("10.1.2.3").doesNotContain(":5432").doesNotContain("SQLException");
        }
    }

    @Test
    void ignoresWritesAfterInterceptedSendError() {
        HttpResponse<String> r = server.get("/send/502", "Accept", "text/plain");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).startsWith("502 Bad Gateway\n").doesNotContain("written after sendError");
    }

    @Test
    void leavesOtherStatusesToTheContainer() {
        HttpResponse<String> notFound = server.get("/send/404", "Accept", "application/json", "X-Request-ID", "se-2");
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(notFound.body()).doesNotContain("correlationId");
        assertThat(notFound.headers().firstValue("X-Request-ID")).contains("se-2");
        HttpResponse<String> serverError = server.get("/send/500", "Accept", "application/json");
        assertThat(serverError.statusCode()).isEqualTo(500);
        assertThat(serverError.body()).doesNotContain("correlationId");
    }

    @Test
    void countsAndLogsInterceptedSendError() {
        double before = count();
        try (LogCapture log = LogCapture.filter()) {
            server.get("/send/504", "X-Request-ID", "se-3");
            assertThat(log.text()).contains("upstream error response: correlationId=se-3 status=504 kind=none"
                    + " upstream=none attempts=0 elapsedMs=0 mediaType=application/problem+json source=sendError");
        }
        assertThat(count()).isEqualTo(before + 1);
    }

    private static double count() {
        var c = METERS.find("upstream.guard.error.responses").tag("status", "504").tag("kind", "none").counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void leavesSendErrorToContainerWhenDisabled() throws Exception {
        try (TestServer s = start(UpstreamGuardConfig.builder().interceptSendError(false).build())) {
            HttpResponse<String> r = s.get("/send/503", "Accept", "application/json");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).doesNotContain("correlationId");
        }
    }

    @Test
    void interceptsOnlyConfiguredStatuses() throws Exception {
        try (TestServer s = start(UpstreamGuardConfig.builder().interceptedStatuses(List.of(503, 500)).build())) {
            assertThat(s.get("/send/503", "Accept", "application/json").body()).contains("\"correlationId\"");
            assertThat(s.get("/send/500", "Accept", "application/json").body()).contains("\"correlationId\"");
            assertThat(s.get("/send/502", "Accept", "application/json").body()).doesNotContain("correlationId");
        }
    }
}
