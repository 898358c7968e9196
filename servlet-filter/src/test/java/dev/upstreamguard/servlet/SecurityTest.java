package dev.upstreamguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.servlet.testing.Failures;
import dev.upstreamguard.servlet.testing.HeaderInjector;
import dev.upstreamguard.servlet.testing.LogCapture;
import dev.upstreamguard.servlet.testing.MiniJson;
import dev.upstreamguard.servlet.testing.RawHttp;
import dev.upstreamguard.servlet.testing.TestServer;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class SecurityTest {
    private static final String GENERATED = "[0-9a-f]{32}";
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.builder()
                .lenientUris()
                .outerFilter(new HeaderInjector())
                .filter(new UpstreamGuardFilter(UpstreamGuardConfig.builder()
                        .templateLocations("classpath:security-templates/")
                        .build()))
                .servlet("/echo/*", (req, res) -> {
                    LoggerFactory.getLogger("app").info("handling");
                    res.getWriter().print("mdc=" + MDC.get("correlationId"));
                })
                .servlet("/fail/*", (req, res) -> {
                    throw Failures.refused();
                })
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** Sends {@code id} as X-Request-ID and checks it was replaced everywhere: header, MDC, body and logs. */
    private static void assertReplaced(String id) throws Exception {
        String encoded = java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8);
        assertReplacedOnTheWire("X-Test-Raw-Request-ID: " + encoded, id);
    }

    private static void assertReplacedOnTheWire(String headerLine, String id) throws Exception {
        try (LogCapture app = LogCapture.of("app")) {
            RawHttp.Result r = RawHttp.get(server.port(), "/echo/x", headerLine);
            assertThat(r.status()).isEqualTo(200);
            String echoed = r.header("X-Request-ID");
            assertThat(echoed).matches(GENERATED);
            assertThat(r.body()).isEqualTo("mdc=" + echoed);
            assertThat(app.events()).singleElement()
                    .satisfies(e -> assertThat(e.getMDCPropertyMap()).containsEntry("correlationId", echoed));
            if (!id.isEmpty()) {
                assertThat(r.head()).doesNotContain(id);
            }
        }
    }

    @Test
    void replacesCorrelationIdWithControlCharacters() throws Exception {
        assertReplaced("abc\u0001def");
        assertReplaced("abc\u0000def");
        assertReplaced("abc\u007fdef");
        assertReplaced("abc\u001bdef");
        assertReplacedOnTheWire("X-Request-ID: abc\tdef", "abc\tdef");
    }

    @Test
    void replacesCorrelationIdWithCrLf() throws Exception {
        assertReplaced("abc\r\nSet-Cookie: x=1");
        assertReplaced("abc\nX-Injected: 1");
        assertReplaced("abc\r");
        assertReplacedOnTheWire("X-Request-ID: abc%0d%0aSet-Cookie:%20x=1", "Set-Cookie");
    }

    @Test
    void containerRefusesRawCrLfAndControlCharactersWithoutEchoingThem() throws Exception {
        // "qqq" is no hex digit: a generated correlation ID can never contain the marker by chance.
        for (String line : new String[] {"X-Request-ID: qqq\u0001def", "X-Request-ID: qqq\rSet-Cookie: x=1",
                "X-Request-ID: qqq\r\n def"}) {
            RawHttp.Result r = RawHttp.get(server.port(), "/echo/x", line);
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.head() + r.body()).doesNotContain("qqq").doesNotContain("Set-Cookie");
        }
    }

    @Test
    void replacesTenKilobyteCorrelationId() throws Exception {
        assertReplacedOnTheWire("X-Request-ID: " + "a".repeat(10 * 1024), "a".repeat(129));
        assertReplacedOnTheWire("X-Request-ID: " + "a".repeat(129), "a".repeat(129));
    }

    @Test
    void acceptsCorrelationIdOfExactly128Characters() throws Exception {
        String id = "b".repeat(128);
        assertThat(RawHttp.get(server.port(), "/echo/x", "X-Request-ID: " + id).header("X-Request-ID")).isEqualTo(id);
    }

    @Test
    void replacesNonAsciiCorrelationId() throws Exception {
        // "zz" is no hex digit: a generated ID can never contain the marker by chance.
        assertReplacedOnTheWire("X-Request-ID: zz-caf\u00e9-\u4e2d\u6587", "zz-caf");
        assertReplaced("caf\u00e9");
        assertReplaced("id\u2028x");
    }

    @Test
    void replacesCorrelationIdWithMarkupOrQuotes() throws Exception {
        assertReplacedOnTheWire("X-Request-ID: <script>alert(1)</script>", "<script>");
        assertReplaced("a\"b'c");
        assertReplaced("a;b");
        assertReplaced("a b");
        assertReplaced("{{correlationId}}");
        assertReplaced("");
    }

    @Test
    void doesNotReflectPathQueryOrHeadersUnescapedInHtml() throws Exception {
        RawHttp.Result r = RawHttp.get(server.port(), "/fail/<script>alert(1)</script>?q=<img/src=x>",
                "Accept: text/html", "User-Agent: <b>agent</b>", "Referer: <i>ref</i>", "Cookie: a=<u>c</u>",
                "X-Request-ID: <svg onload=alert(2)>");
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.body()).contains("<html").contains("<p>/fail/&lt;script&gt;alert(1)&lt;/script&gt;=")
                .doesNotContain("<script>").doesNotContain("<img").doesNotContain("<b>agent")
                .doesNotContain("<i>ref").doesNotContain("<u>c").doesNotContain("<svg").doesNotContain("alert(2)");
    }

    @Test
    void doesNotReflectPathUnescapedInProblemJson() throws Exception {
        RawHttp.Result r = RawHttp.get(server.port(), "/fail/\"quote\"<tag>?q=\"x\"", "Accept: application/json");
        assertThat(r.status()).isEqualTo(502);
        Map<String, Object> json = MiniJson.object(r.body());
        assertThat(json.get("instance")).isEqualTo("/fail/\"quote\"<tag>");
        assertThat(r.body()).doesNotContain("<tag>").contains("\\u003ctag\\u003e").doesNotContain("q=");
    }

    @Test
    void doesNotReflectPathInPlainText() throws Exception {
        RawHttp.Result r = RawHttp.get(server.port(), "/fail/<script>?q=<x>", "Accept: text/plain");
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.body()).doesNotContain("<script>").doesNotContain("<x>").doesNotContain("/fail");
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/html", "application/problem+json", "text/plain"})
    void showsNoStackTraceMessageHostIpOrPort(String mediaType) {
        HttpResponse<String> r = server.get("/fail/x", "Accept", mediaType);
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith(mediaType));
        String everything = r.headers().map() + "\n" + r.body();
        assertThat(everything).doesNotContain(Failures.SECRET_HOST).doesNotContain(Failures.SECRET_IP)
                .doesNotContain(Failures.SECRET_PORT).doesNotContain("Exception").doesNotContain("\tat ")
                .doesNotContain("Connection refused:").doesNotContain("billing")
                .doesNotContain("127.0.0.1").doesNotContain(Integer.toString(server.port()));
    }

    @Test
    void malformedAcceptStillYieldsWellFormedResponse() throws Exception {
        for (String accept : new String[] {";;;,,,/", "text/html;q=abc, */*;q=2", "*/*;q=-1", "/", "text/",
                "\u00ff\u00fe", ",,,,", "application/json;q=0.5;q=0.9;foo", "q=1"}) {
            RawHttp.Result r = RawHttp.get(server.port(), "/fail/x", "Accept: " + accept);
            assertThat(r.status()).as(accept).isEqualTo(502);
            assertThat(r.complete()).as(accept).isTrue();
            assertThat(r.header("Content-Type")).as(accept).isEqualTo("application/problem+json;charset=utf-8");
            MiniJson.object(r.body());
        }
    }

    @Test
    void hugeAcceptStillYieldsWellFormedResponse() throws Exception {
        String accept = "application/x-" + "a".repeat(60_000) + ", text/plain;q=0.1";
        RawHttp.Result huge = RawHttp.get(server.port(), "/fail/x", "Accept: " + accept);
        assertThat(huge.status()).isEqualTo(502);
        assertThat(huge.complete()).isTrue();
        MiniJson.object(huge.body());

        String many = "text/x-a, ".repeat(5_000) + "text/plain";
        RawHttp.Result ranges = RawHttp.get(server.port(), "/fail/x", "Accept: " + many);
        assertThat(ranges.status()).isEqualTo(502);
        assertThat(ranges.complete()).isTrue();
        assertThat(ranges.header("Content-Type")).startsWith("application/problem+json");
    }
}
