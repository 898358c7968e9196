package dev.upstreamguard.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.core.retry.RetryPolicy;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.servlet.UpstreamGuardConfig;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile request input to the filter, one table row per attack: CR/LF and control characters in headers, huge
 * and non-ASCII correlation IDs, huge or malformed {@code Accept}, path traversal and script in the path and
 * query. Each row is sent on the wire to three routes (a healthy upstream, a refused one, an application
 * {@code sendError(503)}), on a strict and a lenient Jetty connector, asking for HTML, problem+json and text.
 * Values Jetty refuses on the wire also reach the filter through {@link RawHeaderInjector}, as behind a more
 * lenient container. Every answer must be well-formed HTTP, never a 500, carry only expected header fields (no
 * injected one), and never reflect the input unescaped; when the filter answered, it carries a valid correlation
 * ID and a body that parses.
 */
class HostileInputTest {
    /** What the answer to a row must be. */
    enum Expect {
        /** The filter answers: 200, 502 or 503 as the route gives. */
        FILTER,
        /** The filter answers, or the container refuses the request with a 4xx first. */
        FILTER_OR_CONTAINER_4XX,
        /** Path normalisation may land on another route or be refused: any route's answer or a container 4xx. */
        ANY_ROUTE_OR_CONTAINER_4XX
    }

    record Row(String name, String path, List<String> headers, Expect expect, String echoedId) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final Map<String, Integer> ROUTES = Map.of("ok", 200, "fail", 502, "senderror", 503);
    private static final Set<Integer> CONTAINER_4XX = Set.of(400, 404, 414, 431);
    private static final List<String> ACCEPTS = List.of("text/html", "application/json", "text/plain");
    private static final Set<String> ALLOWED_HEADERS = Set.of("date", "content-type", "content-length",
            "x-request-id", "proxy-status", "retry-after", "cache-control", "vary", "x-content-type-options",
            "connection", "transfer-encoding");
    private static final List<String> NEVER_RAW = List.of("<script", "<img", "<svg", "\u0000");
    private static final List<String> NEVER_IN_HEAD = List.of("Set-Cookie", "X-Injected", "alert(");
    private static final List<String> NEVER_IN_HTML = List.of("\"onmouseover", "'onmouseover", "{{");

    private static FaultyUpstream healthy;
    private static Upstream ok;
    private static Upstream fail;
    private static GatewayApp app;
    private static final Tally TALLY = new Tally();

    @BeforeAll
    static void start() throws Exception {
        healthy = FaultyUpstream.start(Fault.ok("application/json", Fixtures.JSON_OK));
        UpstreamPolicy policy = UpstreamPolicy.builder().requestTimeout(Duration.ofSeconds(2))
                .attemptTimeout(Duration.ofSeconds(1)).connectTimeout(Duration.ofMillis(500))
                .poolLeaseTimeout(Duration.ofMillis(500)).circuitBreakerEnabled(false).build();
        ok = Fixtures.upstream("ok", healthy.baseUri(), policy);
        fail = Fixtures.upstream("fail", "http://127.0.0.1:" + FaultyUpstream.refusedPort(),
                UpstreamPolicy.from(policy).retry(RetryPolicy.none()).build());
        app = GatewayApp.builder(UpstreamGuardConfig.builder().siteName("Hostile input").build())
                .outerFilter(new RawHeaderInjector())
                .route("ok", ok).route("fail", fail)
                .servlet("/senderror/*", new SendError())
                .lenientConnector()
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        ReliabilityReport.section("Hostile input")
                .setting("rows", rows().count()).setting("routes", "ok (200), fail (502), senderror (503)")
                .setting("connectors", "strict and lenient (UNSAFE URIs, 64 KiB headers)")
                .figure("requests", TALLY.get("requests"))
                .figure("answers by status", statuses())
                .figure("answers with status 500", TALLY.get("status 500"))
                .figure("answers breaking a rule (500, injected header, unescaped reflection, bad ID or body)",
                        TALLY.problems())
                .note("4xx answers come from Jetty, which refuses the request before the filter runs (ambiguous or"
                        + " suspicious URI, header section over 8 KiB on the strict connector, URI too long).")
                .write();
        app.close();
        ok.close();
        fail.close();
        healthy.close();
    }

    private static Map<String, Long> statuses() {
        Map<String, Long> m = new java.util.TreeMap<>();
        TALLY.snapshot().forEach((k, v) -> {
            if (k.startsWith("status ")) {
                m.put(k.substring(7), v);
            }
        });
        return m;
    }

    static Stream<Row> rows() {
        String id128 = "b".repeat(128);
        return Stream.of(
                row("valid correlation ID is echoed", "/ROUTE/items", Expect.FILTER, "abc-123:x@y", "X-Request-ID: abc-123:x@y"),
                row("ID of exactly 128 characters is echoed", "/ROUTE/items", Expect.FILTER, id128, "X-Request-ID: " + id128),
                row("ID of 129 characters", "/ROUTE/items", Expect.FILTER, null, "X-Request-ID: " + "b".repeat(129)),
                row("raw CR in ID", "/ROUTE/items", Expect.FILTER_OR_CONTAINER_4XX, null, "X-Request-ID: abc\rSet-Cookie: x=1"),
                row("raw CRLF header injection", "/ROUTE/items", Expect.FILTER_OR_CONTAINER_4XX, null,
                        "X-Request-ID: abc\r\n Set-Cookie: x=1"),
                row("raw LF in ID", "/ROUTE/items", Expect.FILTER_OR_CONTAINER_4XX, "abc", "X-Request-ID: abc\nX-Injected: 1"),
                row("decoded CRLF in ID", "/ROUTE/items", Expect.FILTER, null, "X-Raw-X-Request-ID: abc%0d%0aSet-Cookie:%20x=1"),
                row("decoded LF in ID", "/ROUTE/items", Expect.FILTER, null, "X-Raw-X-Request-ID: abc%0aX-Injected:%201"),
                row("decoded NUL, SOH, ESC, DEL in ID", "/ROUTE/items", Expect.FILTER, null, "X-Raw-X-Request-ID: a%00b%01c%1bd%7f"),
                row("raw control character in ID", "/ROUTE/items", Expect.FILTER_OR_CONTAINER_4XX, null, "X-Request-ID: a\u0001b"),
                row("tab and space in ID", "/ROUTE/items", Expect.FILTER, null, "X-Request-ID: a\tb c"),
                row("10 KiB ID", "/ROUTE/items", Expect.FILTER_OR_CONTAINER_4XX, null, "X-Request-ID: " + "a".repeat(10 * 1024)),
                row("100 KiB ID", "/ROUTE/items", Expect.FILTER_OR_CONTAINER_4XX, null, "X-Request-ID: " + "a".repeat(100 * 1024)),
                row("non-ASCII ID on the wire", "/ROUTE/items", Expect.FILTER, null, "X-Request-ID: caf\u00e9-\u4e2d\u6587"),
                row("line separator in ID", "/ROUTE/items", Expect.FILTER, null, "X-Raw-X-Request-ID: id%E2%80%A8x"),
                row("markup in ID", "/ROUTE/items", Expect.FILTER, null, "X-Request-ID: <script>alert(1)</script>"),
                row("template syntax in ID", "/ROUTE/items", Expect.FILTER, null, "X-Request-ID: {{correlationId}}"),
                row("second ID header", "/ROUTE/items", Expect.FILTER, "first", "X-Request-ID: first", "X-Correlation-ID: <svg>"),
                row("malformed traceparent", "/ROUTE/items", Expect.FILTER, null, "traceparent: 00-<script>-zz-01"),
                row("huge traceparent", "/ROUTE/items", Expect.FILTER, null,
                        "traceparent: 00-" + "a".repeat(32) + "-" + "b".repeat(16) + "-01-" + "c".repeat(5000)),
                row("hostile deadline header", "/ROUTE/items", Expect.FILTER, null, "X-Request-Timeout-Ms: -99999999999999999999"),
                row("malformed Accept", "/ROUTE/items", Expect.FILTER, null, "Accept: ;;;,,,/"),
                row("bad q-values in Accept", "/ROUTE/items", Expect.FILTER, null, "Accept: text/html;q=abc, */*;q=2, text/plain;q=-1"),
                row("non-ASCII Accept", "/ROUTE/items", Expect.FILTER, null, "Accept: \u00ff\u00fe/\u00e9"),
                row("7 KiB Accept", "/ROUTE/items", Expect.FILTER, null, "Accept: text/x-" + "a".repeat(7 * 1024) + ", text/plain;q=0.1"),
                row("60 KiB Accept", "/ROUTE/items", Expect.FILTER_OR_CONTAINER_4XX, null, "Accept: application/x-" + "a".repeat(60_000)),
                row("2000 Accept ranges", "/ROUTE/items", Expect.FILTER_OR_CONTAINER_4XX, null, "Accept: " + "text/x-a, ".repeat(2000) + "text/html"),
                row("30 Accept lines", "/ROUTE/items", Expect.FILTER, null, repeat("Accept: text/x-y;q=0.5", 30)),
                row("decoded CRLF in Accept", "/ROUTE/items", Expect.FILTER, null, "X-Raw-Accept: text/html%0d%0aSet-Cookie:%20x=1"),
                row("dot-dot traversal", "/ROUTE/a/../../../etc/passwd", Expect.ANY_ROUTE_OR_CONTAINER_4XX, null),
                row("encoded dot-dot traversal", "/ROUTE/%2e%2e/%2e%2e/etc/passwd", Expect.ANY_ROUTE_OR_CONTAINER_4XX, null),
                row("encoded slash traversal", "/ROUTE/..%2f..%2fetc%2fpasswd", Expect.ANY_ROUTE_OR_CONTAINER_4XX, null),
                row("double-encoded traversal", "/ROUTE/%252e%252e%252fetc", Expect.FILTER_OR_CONTAINER_4XX, null),
                row("overlong UTF-8 dots", "/ROUTE/%c0%ae%c0%ae/etc", Expect.FILTER_OR_CONTAINER_4XX, null),
                row("invalid UTF-8 in path", "/ROUTE/%ff%fe", Expect.FILTER_OR_CONTAINER_4XX, null),
                row("encoded NUL in path", "/ROUTE/x%00y", Expect.FILTER_OR_CONTAINER_4XX, null),
                row("raw script in path", "/ROUTE/<script>alert(1)</script>", Expect.FILTER_OR_CONTAINER_4XX, null),
                row("encoded script in path", "/ROUTE/%3Cscript%3Ealert(1)%3C/script%3E", Expect.FILTER, null),
                row("attribute breakout in path", "/ROUTE/%22onmouseover=alert(1)%22'onmouseover=x", Expect.FILTER, null),
                row("template syntax in path", "/ROUTE/%7B%7BcorrelationId%7D%7D", Expect.FILTER, null),
                row("encoded CRLF in path", "/ROUTE/%0d%0aSet-Cookie:%20x=1", Expect.FILTER_OR_CONTAINER_4XX, null),
                row("line separators in path", "/ROUTE/\u2028\u2029", Expect.FILTER_OR_CONTAINER_4XX, null),
                row("path parameter with script", "/ROUTE/x;jsessionid=<script>", Expect.FILTER_OR_CONTAINER_4XX, null),
                row("6 KiB path", "/ROUTE/" + "a".repeat(6 * 1024), Expect.FILTER, null),
                row("70 KiB path", "/ROUTE/" + "a".repeat(70_000), Expect.FILTER_OR_CONTAINER_4XX, null),
                row("raw script in query", "/ROUTE/x?q=<script>alert(1)</script>", Expect.FILTER_OR_CONTAINER_4XX, null),
                row("encoded script and CRLF in query", "/ROUTE/x?q=%3Cscript%3E&r=%0d%0aSet-Cookie:x", Expect.FILTER, null),
                row("javascript URL in query", "/ROUTE/x?next=javascript:alert(1)", Expect.FILTER, null));
    }

    private static Row row(String name, String path, Expect expect, String echoedId, String... headers) {
        return new Row(name, path, List.of(headers), expect, echoedId);
    }

    private static String[] repeat(String line, int times) {
        String[] lines = new String[times];
        java.util.Arrays.fill(lines, line);
        return lines;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void neverA500NeverReflectedUnescapedNeverAHeaderInjected(Row row) throws Exception {
        boolean ownAccept = row.headers().stream().anyMatch(h -> h.regionMatches(true, 0, "Accept:", 0, 7)
                || h.regionMatches(true, 0, "X-Raw-Accept:", 0, 13));
        SoftAssertions soft = new SoftAssertions();
        for (String route : ROUTES.keySet()) {
            for (int port : new int[] {app.port(), app.lenientPort()}) {
                for (String accept : ownAccept ? List.of("") : ACCEPTS) {
                    List<String> headers = new ArrayList<>(row.headers());
                    if (!accept.isEmpty()) {
                        headers.add("Accept: " + accept);
                    }
                    String target = row.path().replace("ROUTE", route);
                    String where = route + (port == app.port() ? " strict" : " lenient") + " " + accept;
                    for (String problem : check(row, route, send(port, target, headers))) {
                        TALLY.problem(row.name() + " / " + where + ": " + problem);
                        soft.fail(where + ": " + problem);
                    }
                }
            }
        }
        soft.assertAll();
    }

    private static RawResponse send(int port, String target, List<String> headers) throws IOException {
        StringBuilder request = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        headers.forEach(h -> request.append(h).append("\r\n"));
        request.append("Connection: close\r\n\r\n");
        try (RawHttpConnection connection = new RawHttpConnection(port)) {
            return connection.exchange(request.toString().getBytes(StandardCharsets.UTF_8), 10_000);
        }
    }

    /** What is wrong with {@code r} as the answer to {@code row} on {@code route}. */
    private static List<String> check(Row row, String route, RawResponse r) {
        TALLY.count("requests");
        TALLY.count("status " + r.status());
        List<String> problems = new ArrayList<>();
        int expected = ROUTES.get(route);
        boolean filterAnswered = switch (row.expect()) {
            case FILTER -> r.status() == expected;
            case FILTER_OR_CONTAINER_4XX -> r.status() == expected;
            case ANY_ROUTE_OR_CONTAINER_4XX -> ROUTES.containsValue(r.status());
        };
        boolean allowed = filterAnswered || row.expect() != Expect.FILTER && CONTAINER_4XX.contains(r.status());
        if (r.status() == 500) {
            problems.add("500: " + r);
        } else if (!allowed) {
            problems.add("status " + r.status() + " (expected " + expected + "): " + r);
        }
        for (String[] h : r.headers()) {
            if (!ALLOWED_HEADERS.contains(h[0].toLowerCase(Locale.ROOT))) {
                problems.add("unexpected header field " + RawHttpConnection.printable(h[0] + ": " + h[1]));
            }
        }
        for (String marker : NEVER_IN_HEAD) {
            if (r.head().contains(marker)) {
                problems.add("head contains " + marker);
            }
        }
        String body = r.bodyText();
        // Jetty's own text/plain 400 page, written before any filter runs, repeats the URI as plain text: not
        // markup, and not the filter's answer. Every other body, and every head, must not hold the input raw.
        boolean containerText = !filterAnswered && "text/plain".equals(r.mediaType());
        for (String marker : NEVER_RAW) {
            if (r.head().contains(marker) || !containerText && body.toLowerCase(Locale.ROOT).contains(marker)) {
                problems.add("reflected unescaped: " + RawHttpConnection.printable(marker));
            }
        }
        if ("text/html".equals(r.mediaType())) {
            for (String marker : NEVER_IN_HTML) {
                if (body.contains(marker)) {
                    problems.add("HTML contains " + marker);
                }
            }
        }
        if (filterAnswered) {
            problems.addAll(ResponseChecks.problems(r, row.echoedId()));
        } else if (!r.all(ResponseChecks.ID_HEADER).isEmpty()
                && !ResponseChecks.isValidIncomingId(r.header(ResponseChecks.ID_HEADER))) {
            problems.add("invalid correlation ID on a container answer");
        }
        return problems;
    }

    /** An application that answers 503 itself, with a message that must never be shown. */
    private static final class SendError extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.sendError(503, "<script>alert('message')</script>");
        }
    }
}
