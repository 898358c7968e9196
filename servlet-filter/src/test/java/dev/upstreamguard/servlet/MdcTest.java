package dev.upstreamguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.upstreamguard.servlet.testing.Failures;
import dev.upstreamguard.servlet.testing.LogCapture;
import dev.upstreamguard.servlet.testing.Probe;
import dev.upstreamguard.servlet.testing.TestServer;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class MdcTest {

    private static TestServer start(UpstreamGuardConfig config, Probe probe) throws Exception {
        return TestServer.builder()
                .outerFilter(probe)
                .filter(new UpstreamGuardFilter(config))
                .servlet("/log", (req, res) -> {
                    LoggerFactory.getLogger("app").info("first");
                    LoggerFactory.getLogger("app").warn("second");
                    res.getWriter().print("ok");
                })
                .servlet("/fail", (req, res) -> {
                    throw Failures.refused();
                })
                .start();
    }

    @Test
    void holdsCorrelationIdInMdcDuringRequest() throws Exception {
        Probe probe = new Probe("correlationId", null);
        try (TestServer s = start(UpstreamGuardConfig.ofDefaults(), probe); LogCapture app = LogCapture.of("app")) {
            HttpResponse<String> r = s.get("/log");
            String id = r.headers().firstValue("X-Request-ID").orElseThrow();
            assertThat(app.events()).hasSize(2).allSatisfy(e ->
                    assertThat(e.getMDCPropertyMap()).containsEntry("correlationId", id));
        }
    }

    @Test
    void clearsMdcWhenRequestEnds() throws Exception {
        Probe probe = new Probe("correlationId", null);
        try (TestServer s = start(UpstreamGuardConfig.ofDefaults(), probe)) {
            s.get("/log", "X-Request-ID", "mdc-1");
            assertThat(probe.next().mdc()).isNull();
            s.get("/fail", "X-Request-ID", "mdc-2");
            assertThat(probe.next().mdc()).isNull();
        }
    }

    @Test
    void restoresValueSetBeforeTheFilter() throws Exception {
        Probe probe = new Probe("correlationId", "outer-value");
        try (TestServer s = start(UpstreamGuardConfig.ofDefaults(), probe); LogCapture app = LogCapture.of("app")) {
            s.get("/log", "X-Request-ID", "mdc-3");
            assertThat(app.events()).allSatisfy(e ->
                    assertThat(e.getMDCPropertyMap()).containsEntry("correlationId", "mdc-3"));
            assertThat(probe.next().mdc()).isEqualTo("outer-value");
        }
    }

    @Test
    void usesConfiguredMdcKey() throws Exception {
        Probe probe = new Probe("requestId", null);
        try (TestServer s = start(UpstreamGuardConfig.builder().mdcKey("requestId").build(), probe);
                LogCapture app = LogCapture.of("app")) {
            s.get("/log", "X-Request-ID", "mdc-4");
            assertThat(app.events()).allSatisfy(e -> {
                assertThat(e.getMDCPropertyMap()).containsEntry("requestId", "mdc-4");
                assertThat(e.getMDCPropertyMap()).doesNotContainKey("correlationId");
            });
            assertThat(probe.next().mdc()).isNull();
            assertThat(MDC.get("requestId")).isNull();
        }
    }

    @Test
    void logsOneLinePerRenderedErrorWithMdc() throws Exception {
        try (TestServer s = start(UpstreamGuardConfig.ofDefaults(), new Probe("correlationId", null));
                LogCapture log = LogCapture.filter()) {
            s.get("/fail", "X-Request-ID", "mdc-5", "Accept", "text/html");
            assertThat(log.events()).singleElement().satisfies(e -> assertLine(e,
                    "upstream error response: correlationId=mdc-5 status=502 kind=connection_refused upstream=billing"
                            + " attempts=3 elapsedMs=41 mediaType=text/html source=exception"));
        }
    }

    private static void assertLine(ILoggingEvent e, String message) {
        assertThat(e.getLevel()).isEqualTo(Level.WARN);
        assertThat(e.getFormattedMessage()).isEqualTo(message);
        assertThat(e.getMDCPropertyMap()).containsEntry("correlationId", "mdc-5");
        assertThat(e.getThrowableProxy()).isNull();
    }
}
