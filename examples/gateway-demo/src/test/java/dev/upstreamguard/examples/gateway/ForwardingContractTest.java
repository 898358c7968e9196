package dev.upstreamguard.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.test.RecordedRequest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract acceptance checks rely on: with {@code upstream-guard.upstreams.backend.base-uri} set, no built-in
 * upstream, and {@code /api/**} forwarded to that backend.
 */
class ForwardingContractTest {
    private static final Fault JSON_OK = Fault.ok("application/json", "{\"ok\":true}");
    private static FaultyUpstream backend;
    private static RunningGateway gateway;

    @BeforeAll
    static void start() {
        backend = FaultyUpstream.start(JSON_OK);
        gateway = RunningGateway.start("--upstream-guard.upstreams.backend.base-uri=" + backend.baseUri(),
                "--upstream-guard.request-timeout=2s", "--upstream-guard.upstreams.backend.attempt-timeout=1s",
                "--upstream-guard.upstreams.backend.connect-timeout=500ms",
                "--upstream-guard.upstreams.backend.pool-lease-timeout=500ms",
                "--upstream-guard.upstreams.backend.retry.budget.enabled=false");
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        backend.close();
    }

    @BeforeEach
    void healthyBackend() {
        backend.respond(JSON_OK);
        // Each test starts with a closed breaker, whatever the failures of the tests before it.
        gateway.context().getBean("backendUpstream", Upstream.class).circuitBreaker().reset();
    }

    /** The one request the backend received for {@code target} (path and query). */
    private static RecordedRequest receivedFor(String target) {
        List<RecordedRequest> matching = backend.requests().stream().filter(r -> r.path().equals(target)).toList();
        assertThat(matching).as("requests for " + target).hasSize(1);
        return matching.get(0);
    }

    @Test
    void forwardsMethodPathQueryBodyAndEndToEndHeaders() throws Exception {
        HttpResponse<String> response = RunningGateway.CLIENT.send(HttpRequest.newBuilder(
                        gateway.uri("/api/orders/42?expand=items&note=a%20b"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"qty\":3}"))
                .header("Content-Type", "application/json")
                .header("X-Custom", "one")
                .header("X-Custom", "two")
                .header("Authorization", "Bearer t0ken")
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"ok\":true}");
        RecordedRequest seen = receivedFor("/orders/42?expand=items&note=a%20b");
        assertThat(seen.method()).isEqualTo("POST");
        assertThat(seen.bodyUtf8()).isEqualTo("{\"qty\":3}");
        assertThat(seen.header("Content-Type")).isEqualTo("application/json");
        assertThat(seen.header("Content-Length")).isEqualTo("9");
        assertThat(seen.headers().get("X-Custom")).containsExactly("one", "two");
        assertThat(seen.header("Authorization")).isEqualTo("Bearer t0ken");
        assertThat(seen.header("Host")).isEqualTo("127.0.0.1:" + backend.port());
    }

    @ParameterizedTest
    @ValueSource(strings = { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS" })
    void forwardsEveryMethod(String method) throws Exception {
        String body = method.equals("PUT") || method.equals("PATCH") ? "payload-" + method : "";
        HttpResponse<String> response = RunningGateway.CLIENT.send(HttpRequest.newBuilder(
                        gateway.uri("/api/methods/" + method))
                .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.headers().firstValue("Proxy-Status").orElse("")).isEqualTo(200);
        RecordedRequest seen = receivedFor("/methods/" + method);
        assertThat(seen.method()).isEqualTo(method);
        assertThat(seen.bodyUtf8()).isEqualTo(body);
        if (method.equals("POST")) {
            assertThat(seen.header("Content-Length")).isEqualTo("0"); // an empty body, not a missing one
        }
        if (method.equals("HEAD")) {
            assertThat(response.body()).isEmpty();
        } else {
            assertThat(response.body()).isEqualTo("{\"ok\":true}");
        }
    }

    @Test
    void forwardsTheApiRootAsSlash() throws Exception {
        assertThat(gateway.get("/api").statusCode()).isEqualTo(200);
        assertThat(backend.requests()).anyMatch(r -> r.path().equals("/"));
    }

    @Test
    void dropsHopByHopHeadersAndThoseNamedInConnection() throws Exception {
        String answer = RawHttp.exchange(gateway.port(), String.join("\r\n",
                "POST /api/hop?x=1 HTTP/1.1",
                "Host: 127.0.0.1:" + gateway.port(),
                "Connection: close, X-Hop-Secret",
                "X-Hop-Secret: do not forward",
                "Keep-Alive: timeout=5",
                "TE: trailers",
                "Trailer: X-Checksum",
                "Upgrade: example/1",
                "Proxy-Authorization: Basic c2VjcmV0",
                "Proxy-Connection: keep-alive",
                "X-End-To-End: kept",
                "Content-Type: text/plain",
                "Transfer-Encoding: chunked"), "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 200");
        RecordedRequest seen = receivedFor("/hop?x=1");
        assertThat(seen.bodyUtf8()).isEqualTo("hello world");
        assertThat(seen.header("Content-Length")).isEqualTo("11");
        assertThat(seen.header("X-End-To-End")).isEqualTo("kept");
        assertThat(seen.header("Content-Type")).isEqualTo("text/plain");
        for (String dropped : List.of("X-Hop-Secret", "Keep-Alive", "TE", "Trailer", "Upgrade", "Proxy-Authorization",
                "Proxy-Connection", "Transfer-Encoding")) {
            assertThat(seen.header(dropped)).as(dropped).isNull();
        }
        assertThat(seen.headers().getOrDefault("Connection", List.of()))
                .allSatisfy(v -> assertThat(v).doesNotContainIgnoringCase("X-Hop-Secret"));
    }

    @Test
    void forwardsTheCorrelationIdAndEchoesIt() throws Exception {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        HttpResponse<String> response = gateway.get("/api/correlated", "X-Request-ID", "order-7f3a-42",
                "traceparent", traceparent);

        assertThat(response.headers().firstValue("X-Request-ID")).contains("order-7f3a-42");
        RecordedRequest seen = receivedFor("/correlated");
        assertThat(seen.headers().get("X-Request-ID")).containsExactly("order-7f3a-42");
        // A child of the caller's trace: same trace-id, this hop's own parent-id.
        assertThat(seen.headers().get("traceparent")).singleElement().satisfies(sent -> assertThat(sent)
                .startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-").isNotEqualTo(traceparent));
        assertThat(Long.parseLong(seen.header("X-Request-Timeout-Ms"))).isPositive().isLessThanOrEqualTo(2000);
    }

    @Test
    void replacesAnInvalidCorrelationIdAndForwardsTheReplacement() throws Exception {
        HttpResponse<String> response = gateway.get("/api/invalid-id", "X-Request-ID", "<script>");

        String id = response.headers().firstValue("X-Request-ID").orElseThrow();
        assertThat(id).isNotEqualTo("<script>").matches("[0-9a-f]{32}");
        assertThat(receivedFor("/invalid-id").headers().get("X-Request-ID")).containsExactly(id);
    }

    @Test
    void passesStatusHeadersAndBodyBack() throws Exception {
        backend.respond(Fault.status(404, "{\"error\":\"no such order\"}", "Content-Type", "application/json",
                "X-Backend", "yes", "Set-Cookie", "a=1", "Keep-Alive", "timeout=5", "Connection", "X-Hop",
                "X-Hop", "hidden", "X-Request-ID", "from-backend"));

        HttpResponse<String> response = gateway.get("/api/orders/missing", "X-Request-ID", "caller-id-1");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("{\"error\":\"no such order\"}");
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(response.headers().firstValue("X-Backend")).contains("yes");
        assertThat(response.headers().firstValue("Set-Cookie")).contains("a=1");
        assertThat(response.headers().firstValue("X-Hop")).isEmpty();
        assertThat(response.headers().allValues("X-Request-ID")).containsExactly("caller-id-1");
    }

    @Test
    void passesRedirectsBackInsteadOfFollowingThem() throws Exception {
        backend.respond(Fault.status(302, "", "Location", "/elsewhere"));

        HttpResponse<String> response = gateway.get("/api/moved");

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).contains("/elsewhere");
        assertThat(backend.requests()).noneMatch(r -> r.path().equals("/elsewhere"));
    }

    @Test
    void answersABackendFailureWithTheLibrarysErrorResponse() throws Exception {
        backend.respond(Fault.resetAfterRequest());

        HttpResponse<String> response = gateway.get("/api/reset-get", "Accept", "application/problem+json");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.headers().firstValue("Proxy-Status")).hasValueSatisfying(
                value -> assertThat(value).contains("error=connection_terminated"));
        String id = response.headers().firstValue("X-Request-ID").orElseThrow();
        assertThat(response.body()).contains("\"correlationId\":\"" + id + "\"");
        assertThat(backend.requests().stream().filter(r -> r.path().equals("/reset-get"))).hasSize(3);
    }

    @Test
    void doesNotRetryANonIdempotentPost() throws Exception {
        backend.respond(Fault.resetAfterRequest());

        HttpResponse<String> response = RunningGateway.CLIENT.send(HttpRequest.newBuilder(
                        gateway.uri("/api/reset-post"))
                .POST(HttpRequest.BodyPublishers.ofString("charge=10"))
                .header("Accept", "text/plain").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("Proxy-Status")).hasValueSatisfying(
                value -> assertThat(value).contains("error=connection_terminated"));
        assertThat(response.body()).contains("502 Bad Gateway");
        assertThat(receivedFor("/reset-post").bodyUtf8()).isEqualTo("charge=10");
    }

    @Test
    void appliesTheRequestTimeoutProperty() throws Exception {
        backend.respond(Fault.blackhole());

        long start = System.nanoTime();
        HttpResponse<String> response = gateway.get("/api/stalled", "Accept", "text/html");
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.headers().firstValue("Proxy-Status")).hasValueSatisfying(
                value -> assertThat(value).contains("error=http_response_timeout"));
        assertThat(response.body()).contains("<meta name=\"robots\" content=\"noindex\">");
        assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(1900)).isLessThan(Duration.ofMillis(3000));
    }

    @Test
    void startsNoBuiltInUpstream() throws Exception {
        assertThat(gateway.context().getBeanProvider(BuiltInUpstream.class).getIfAvailable()).isNull();
        assertThat(gateway.get("/demo/healthy").statusCode()).isEqualTo(404);
        HttpResponse<String> index = gateway.get("/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.body()).contains("/api/").doesNotContain("/demo/");
    }
}
