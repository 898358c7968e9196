package dev.upstreamguard.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real browser (headless Chromium) renders the demo's pages. The screenshots are kept as build artifacts under
 * {@code target/screenshots/}.
 */
class BrowserEndToEndTest {
    private static final Path SCREENSHOTS = Path.of(System.getProperty("basedir", "."), "target", "screenshots");
    private static final Pattern REFERENCE = Pattern.compile("<code class=\"id\">([0-9a-f]{32})</code>");

    private static RunningGateway gateway;
    private static CapturedLogs logs;

    @BeforeAll
    static void start() {
        assumeTrue(Files.isExecutable(Chromium.BINARY), "chromium is not installed at " + Chromium.BINARY);
        gateway = RunningGateway.start();
        logs = CapturedLogs.start();
    }

    @AfterAll
    static void stop() {
        if (logs != null) {
            logs.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    private static String url(String path) {
        return gateway.uri(path).toString();
    }

    /** The reference the page shows, checked against the filter's log line for it. */
    private static String referenceOn(String dom, int status) {
        Matcher m = REFERENCE.matcher(dom);
        assertThat(m.find()).as("a correlation ID on the page").isTrue();
        String id = m.group(1);
        assertThat(logs.withCorrelationId(id)).anyMatch(e -> e.getFormattedMessage()
                .startsWith("upstream error response: correlationId=" + id + " status=" + status));
        return id;
    }

    @Test
    void rendersTheBadGatewayPage() throws Exception {
        String dom = Chromium.render(url(DemoRoute.REFUSED.path()), 1280, 1000,
                SCREENSHOTS.resolve("502-refused-desktop.png"));

        assertThat(dom).contains("<title>502 Bad Gateway</title>").contains("<html lang=\"en\">")
                .contains("connection_refused").contains("<h1>");
        referenceOn(dom, 502);
        Chromium.screenshot(url(DemoRoute.REFUSED.path()), 390, 844, SCREENSHOTS.resolve("502-refused-phone.png"));
    }

    @Test
    void rendersTheOpenBreakersServiceUnavailablePage() throws Exception {
        for (int click = 0; click < 3; click++) {
            assertThat(gateway.get(DemoRoute.BREAKER.path()).statusCode()).isEqualTo(502);
        }

        String dom = Chromium.render(url(DemoRoute.BREAKER.path()), 1280, 1000,
                SCREENSHOTS.resolve("503-breaker-desktop.png"));

        assertThat(dom).contains("<title>503 Service Unavailable</title>").contains("destination_unavailable");
        referenceOn(dom, 503);
    }

    @Test
    void rendersTheIndexPage() throws Exception {
        gateway.get(DemoRoute.RESET.path());

        String dom = Chromium.render(url("/"), 1280, 1000, SCREENSHOTS.resolve("index-desktop.png"));

        assertThat(dom).contains("<title>Upstream Guard gateway demo</title>")
                .contains("href=\"" + DemoRoute.BLACKHOLE.path() + "\"")
                .contains("<code>connection_terminated</code>");
        Chromium.screenshot(url("/"), 390, 844, SCREENSHOTS.resolve("index-phone.png"));
    }
}
