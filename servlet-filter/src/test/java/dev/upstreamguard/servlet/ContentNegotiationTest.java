package dev.upstreamguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.servlet.spi.ErrorRenderer;
import dev.upstreamguard.servlet.spi.ErrorView;
import dev.upstreamguard.servlet.testing.Failures;
import dev.upstreamguard.servlet.testing.LogCapture;
import dev.upstreamguard.servlet.testing.TestServer;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContentNegotiationTest {
    private static final String HTML = "text/html";
    private static final String PROBLEM = "application/problem+json";
    private static final String TEXT = "text/plain";
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = start(UpstreamGuardConfig.ofDefaults());
    }

    private static TestServer start(UpstreamGuardConfig config) throws Exception {
        return TestServer.builder().filter(new UpstreamGuardFilter(config))
                .servlet("/fail", (req, res) -> {
                    throw Failures.refused();
                }).start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static String typeFor(TestServer s, String accept) {
        HttpResponse<String> r = accept == null ? s.get("/fail") : s.get("/fail", "Accept", accept);
        assertThat(r.statusCode()).isEqualTo(502);
        String contentType = r.headers().firstValue("Content-Type").orElseThrow();
        return contentType.substring(0, contentType.indexOf(';'));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        // Browsers' navigation Accept headers.
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7 | text/html",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8 | text/html",
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8 | text/html",
        // API clients.
        "application/json | application/problem+json",
        "application/problem+json | application/problem+json",
        "application/json, text/plain, */* | application/problem+json",
        "*/* | application/problem+json",
        "text/plain | text/plain",
        // q-values.
        "text/html;q=0.1, text/plain;q=0.9 | text/plain",
        "text/html;q=0.5, application/json;q=0.6 | application/problem+json",
        "application/json;q=0.3, text/html;q=0.300, text/plain;q=0.301 | text/plain",
        "TEXT/PLAIN;Q=1.0 | text/plain",
        // Wildcards: the most specific range decides a type's q; ties go to the server's order.
        "text/* | text/html",
        "text/*;q=0.5, text/plain | text/plain",
        "*/*;q=0.1, text/html;q=0 | application/problem+json",
        "application/problem+json;q=0, */* | text/html",
        "application/*, text/html;q=0.9 | application/problem+json",
        // Old clients (HttpURLConnection) and unacceptable-only lists fall back to the default.
        "'text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2' | text/html",
        "image/png | application/problem+json",
        "text/html;q=0, application/json;q=0, text/plain;q=0 | application/problem+json",
    })
    void choosesRepresentationByAccept(String accept, String expected) {
        assertThat(typeFor(server, accept)).isEqualTo(expected);
    }

    @Test
    void usesDefaultWithoutAccept() {
        assertThat(typeFor(server, null)).isEqualTo(PROBLEM);
    }

    @Test
    void usesConfiguredDefaultMediaType() throws Exception {
        try (TestServer s = start(UpstreamGuardConfig.builder().defaultMediaType(HTML).build())) {
            assertThat(typeFor(s, null)).isEqualTo(HTML);
            assertThat(typeFor(s, "*/*")).isEqualTo(HTML);
            assertThat(typeFor(s, "application/json")).isEqualTo(PROBLEM);
        }
    }

    @Test
    void customRendererAddsAMediaType() throws Exception {
        ErrorRenderer xml = new ErrorRenderer() {
            @Override
            public String mediaType() {
                return "application/problem+xml";
            }

            @Override
            public String render(ErrorView view) {
                return "<problem><status>" + view.status() + "</status></problem>";
            }
        };
        try (TestServer s = start(UpstreamGuardConfig.builder().renderer(xml).build())) {
            HttpResponse<String> r = s.get("/fail", "Accept", "application/xml");
            assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+xml;charset=utf-8");
            assertThat(r.body()).isEqualTo("<problem><status>502</status></problem>");
            assertThat(typeFor(s, "application/json")).isEqualTo(PROBLEM);
        }
    }

    @Test
    void customRendererReplacesBuiltInOne() throws Exception {
        ErrorRenderer html = new ErrorRenderer() {
            @Override
            public String mediaType() {
                return HTML;
            }

            @Override
            public String render(ErrorView view) {
                return "<p>custom " + view.correlationId() + "</p>";
            }
        };
        try (TestServer s = start(UpstreamGuardConfig.builder().renderer(html).build())) {
            assertThat(s.get("/fail", "Accept", HTML, "X-Request-ID", "c-1").body()).isEqualTo("<p>custom c-1</p>");
        }
    }

    @Test
    void fallsBackToPlainTextWhenARendererFails() throws Exception {
        ErrorRenderer broken = new ErrorRenderer() {
            @Override
            public String mediaType() {
                return HTML;
            }

            @Override
            public String render(ErrorView view) {
                throw new IllegalStateException("template engine down");
            }
        };
        try (TestServer s = start(UpstreamGuardConfig.builder().renderer(broken).build());
                LogCapture log = LogCapture.filter()) {
            HttpResponse<String> r = s.get("/fail", "Accept", HTML);
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.headers().firstValue("Content-Type")).contains("text/plain;charset=utf-8");
            assertThat(r.body()).startsWith("502 Bad Gateway\n").doesNotContain("template engine down");
            assertThat(log.text()).contains("error renderer").contains("failed; answering text/plain");
        }
    }

    @Test
    void readsEveryAcceptLine() throws Exception {
        dev.upstreamguard.servlet.testing.RawHttp.Result r = dev.upstreamguard.servlet.testing.RawHttp.get(
                server.port(), "/fail", "Accept: text/html;q=0.2", "Accept: text/plain");
        assertThat(r.header("Content-Type")).isEqualTo("text/plain;charset=utf-8");
    }

    @Test
    void textPlainStaysAvailableUnderItsOwnName() {
        assertThat(typeFor(server, TEXT)).isEqualTo(TEXT);
    }
}
