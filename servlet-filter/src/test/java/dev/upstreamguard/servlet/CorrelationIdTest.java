package dev.upstreamguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.core.deadline.RequestContext;
import dev.upstreamguard.servlet.testing.Failures;
import dev.upstreamguard.servlet.testing.TestServer;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class CorrelationIdTest {
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.builder()
                .filter(new UpstreamGuardFilter(UpstreamGuardConfig.ofDefaults()))
                .servlet("/echo", (req, res) -> {
                    RequestContext ctx = RequestContext.current();
                    res.getWriter().print(MDC.get("correlationId") + "|" + ctx.correlationId() + "|"
                            + req.getAttribute(UpstreamGuardFilter.CORRELATION_ID_ATTRIBUTE) + "|"
                            + RequestCorrelation.correlationId(req));
                })
                .servlet("/reset", (req, res) -> {
                    res.setHeader("X-Other", "x");
                    res.reset();
                    res.getWriter().print("after reset");
                })
                .servlet("/boom", (req, res) -> {
                    throw new IllegalStateException("not an upstream failure");
                })
                .servlet("/fail", (req, res) -> {
                    throw Failures.refused();
                })
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static String echoedId(HttpResponse<String> response) {
        return response.headers().firstValue("X-Request-ID").orElse(null);
    }

    @Test
    void acceptsValidIncomingRequestId() {
        HttpResponse<String> r = server.get("/echo", "X-Request-ID", "req-42.a:b_c");
        assertThat(echoedId(r)).isEqualTo("req-42.a:b_c");
        assertThat(r.body()).isEqualTo("req-42.a:b_c|req-42.a:b_c|req-42.a:b_c|req-42.a:b_c");
    }

    @Test
    void acceptsIdFromSecondConfiguredHeader() {
        assertThat(echoedId(server.get("/echo", "X-Correlation-ID", "corr-7"))).isEqualTo("corr-7");
    }

    @Test
    void prefersFirstConfiguredHeader() {
        assertThat(echoedId(server.get("/echo", "X-Correlation-ID", "second", "X-Request-ID", "first")))
                .isEqualTo("first");
    }

    @Test
    void skipsInvalidFirstHeaderForValidSecond() {
        assertThat(echoedId(server.get("/echo", "X-Request-ID", "has space", "X-Correlation-ID", "valid-2")))
                .isEqualTo("valid-2");
    }

    @Test
    void usesTraceIdOfValidTraceparent() {
        assertThat(echoedId(server.get("/echo", "traceparent", TRACEPARENT)))
                .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @Test
    void prefersCorrelationHeaderOverTraceparent() {
        assertThat(echoedId(server.get("/echo", "traceparent", TRACEPARENT, "X-Request-ID", "mine")))
                .isEqualTo("mine");
    }

    @Test
    void generatesIdForAllZeroTraceId() {
        String id = echoedId(server.get("/echo", "traceparent",
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
        assertThat(id).matches("[0-9a-f]{32}").isNotEqualTo("00000000000000000000000000000000");
    }

    @Test
    void generatesIdForMalformedTraceparent() {
        assertThat(echoedId(server.get("/echo", "traceparent", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")))
                .matches("[0-9a-f]{32}").isNotEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @Test
    void generates128BitHexIdWhenNoneArrives() {
        HttpResponse<String> r = server.get("/echo");
        String id = echoedId(r);
        assertThat(id).matches("[0-9a-f]{32}");
        assertThat(r.body()).isEqualTo(id + "|" + id + "|" + id + "|" + id);
    }

    @Test
    void generatesDistinctIds() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            ids.add(echoedId(server.get("/echo")));
        }
        assertThat(ids).hasSize(50);
    }

    @Test
    void echoesIdOnSuccessfulResponse() {
        HttpResponse<String> r = server.get("/echo", "X-Request-ID", "ok-1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(echoedId(r)).isEqualTo("ok-1");
    }

    @Test
    void echoesIdOnNotFound() {
        HttpResponse<String> r = server.get("/no-such-page", "X-Request-ID", "nf-1");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(echoedId(r)).isEqualTo("nf-1");
    }

    @Test
    void echoesIdOnUpstreamError() {
        HttpResponse<String> r = server.get("/fail", "X-Request-ID", "err-1");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(echoedId(r)).isEqualTo("err-1");
    }

    @Test
    void echoesIdWhenApplicationResetsResponse() {
        HttpResponse<String> r = server.get("/reset", "X-Request-ID", "reset-1");
        assertThat(r.body()).isEqualTo("after reset");
        assertThat(r.headers().firstValue("X-Other")).isEmpty();
        assertThat(echoedId(r)).isEqualTo("reset-1");
    }

    @Test
    void leavesOtherExceptionsToContainerButStillEchoesId() {
        HttpResponse<String> r = server.get("/boom", "X-Request-ID", "boom-1", "Accept", "application/json");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.headers().firstValue("Proxy-Status")).isEmpty();
        assertThat(r.body()).contains("IllegalStateException").doesNotContain("correlationId");
        assertThat(echoedId(r)).isEqualTo("boom-1");
    }

    @Test
    void usesConfiguredHeadersAndTraceparentSetting() throws Exception {
        UpstreamGuardConfig config = UpstreamGuardConfig.builder()
                .correlationHeaders("X-Trace", "X-Amzn-Trace-Id")
                .responseHeader("X-Trace")
                .acceptTraceparent(false)
                .build();
        try (TestServer s = TestServer.builder().filter(new UpstreamGuardFilter(config))
                .servlet("/echo", (req, res) -> res.getWriter().print("ok")).start()) {
            assertThat(s.get("/echo", "X-Amzn-Trace-Id", "Root=1-67891233").headers().firstValue("X-Trace"))
                    .contains("Root=1-67891233");
            HttpResponse<String> ignored = s.get("/echo", "X-Request-ID", "not-configured", "traceparent", TRACEPARENT);
            assertThat(ignored.headers().firstValue("X-Trace").orElseThrow()).matches("[0-9a-f]{32}")
                    .isNotEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(ignored.headers().firstValue("X-Request-ID")).isEmpty();
        }
    }
}
