package dev.upstreamguard.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.test.RecordedRequest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** nginx -> gateway -> misbehaving upstream, all real, all on loopback. */
class NginxEndToEndTest {
    /** nginx's proxy_read_timeout: the gateway's deadline must answer well before it. */
    private static final Duration PROXY_READ_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(1500);
    /** nginx's keepalive_timeout for idle connections to the gateway (Tomcat keeps them 65 s). */
    private static final Duration NGINX_UPSTREAM_IDLE = Duration.ofSeconds(30);
    private static final Fault OK = Fault.ok("application/json", "{\"ok\":true}");

    private static FaultyUpstream backend;
    private static RunningGateway gateway;
    private static Nginx nginx;
    private static CapturedLogs logs;

    @BeforeAll
    static void start() {
        assumeTrue(Files.isExecutable(Nginx.BINARY), "nginx is not installed at " + Nginx.BINARY);
        backend = FaultyUpstream.start(OK);
        gateway = RunningGateway.start("--upstream-guard.upstreams.backend.base-uri=" + backend.baseUri(),
                "--upstream-guard.request-timeout=" + REQUEST_TIMEOUT.toMillis() + "ms",
                "--upstream-guard.upstreams.backend.attempt-timeout=1s",
                "--upstream-guard.upstreams.backend.connect-timeout=500ms",
                "--upstream-guard.upstreams.backend.pool-lease-timeout=500ms",
                // Declared, so that start-up checks the chain: deadline + margin < nginx's read timeout, and
                // Tomcat's keep-alive (65 s) > nginx's idle keep-alive + margin.
                "--upstream-guard.front-proxy-timeout=" + PROXY_READ_TIMEOUT.toSeconds() + "s",
                "--upstream-guard.front-proxy-idle-timeout=" + NGINX_UPSTREAM_IDLE.toSeconds() + "s");
        logs = CapturedLogs.start();
        nginx = Nginx.start(gateway.port(), PROXY_READ_TIMEOUT, NGINX_UPSTREAM_IDLE);
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
        if (logs != null) {
            logs.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @BeforeEach
    void healthyBackend() {
        backend.respond(OK);
        gateway.context().getBean("backendUpstream", Upstream.class).circuitBreaker().reset();
    }

    private static HttpResponse<String> viaNginx(String path, String accept) throws Exception {
        return RunningGateway.CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nginx.port() + path))
                .header("Accept", accept).timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static RecordedRequest receivedFor(String target) {
        return backend.requests().stream().filter(r -> r.path().equals(target)).findFirst().orElseThrow();
    }

    @Test
    void nginxRequestIdIsTheCorrelationIdOfResponseLogsAndUpstream() throws Exception {
        HttpResponse<String> ok = viaNginx("/api/e2e/healthy", "application/json");
        String okId = ok.headers().firstValue("X-Request-ID").orElseThrow();

        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(okId).matches("[0-9a-f]{32}"); // nginx's $request_id
        assertThat(receivedFor("/e2e/healthy").headers().get("X-Request-ID")).containsExactly(okId);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(nginx.accessLog())
                .anyMatch(line -> line.startsWith(okId + " \"GET /api/e2e/healthy HTTP/1.1\" 200")));

        backend.respond(Fault.status(500, "upstream bug"));
        HttpResponse<String> failed = viaNginx("/api/e2e/failing", "application/problem+json");
        String failedId = failed.headers().firstValue("X-Request-ID").orElseThrow();

        assertThat(failed.statusCode()).isEqualTo(502);
        assertThat(failedId).matches("[0-9a-f]{32}").isNotEqualTo(okId);
        assertThat(failed.body()).contains("\"correlationId\":\"" + failedId + "\"");
        assertThat(receivedFor("/e2e/failing").headers().get("X-Request-ID")).containsExactly(failedId);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(nginx.accessLog())
                .anyMatch(line -> line.startsWith(failedId + " \"GET /api/e2e/failing HTTP/1.1\" 502")));
        List<String> lines = logs.withCorrelationId(failedId).stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).anyMatch(line -> line.startsWith("upstream call failed: upstream=backend")
                        && line.contains("correlationId=" + failedId))
                .anyMatch(line -> line.startsWith("upstream error response: correlationId=" + failedId)
                        && line.contains("status=502"));
    }

    @Test
    void gatewayDeadlineAnswersBeforeNginxGivesUp() throws Exception {
        backend.respond(Fault.blackhole());

        long start = System.nanoTime();
        HttpResponse<String> response = viaNginx("/api/e2e/stalled", "text/html");
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        System.out.printf(Locale.ROOT, "NGINX-DEADLINE status=%d elapsedMs=%d requestTimeoutMs=%d proxyReadTimeoutMs=%d%n",
                response.statusCode(), elapsed.toMillis(), REQUEST_TIMEOUT.toMillis(), PROXY_READ_TIMEOUT.toMillis());

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.headers().firstValue("Proxy-Status")).hasValueSatisfying(
                value -> assertThat(value).startsWith("upstream-guard; error=http_response_timeout;"));
        assertThat(response.body()).contains("<meta name=\"robots\" content=\"noindex\">")
                .contains(response.headers().firstValue("X-Request-ID").orElseThrow())
                .doesNotContain("<center>nginx");
        assertThat(elapsed).isGreaterThanOrEqualTo(REQUEST_TIMEOUT.minusMillis(100)).isLessThan(PROXY_READ_TIMEOUT);
    }

    @Test
    void keepAliveLoadThroughNginxAnswersNoBadGateway() throws Exception {
        int requests = 2000;
        int concurrency = 16;
        Duration cap = Duration.ofSeconds(30);
        URI uri = URI.create("http://127.0.0.1:" + nginx.port() + "/api/e2e/load");
        AtomicInteger next = new AtomicInteger();
        Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        LongAdder errors = new LongAdder();
        int connectionsBefore = backend.connectionsAccepted();
        long deadline = System.nanoTime() + cap.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(pool.submit(() -> {
                    while (next.getAndIncrement() < requests && System.nanoTime() < deadline) {
                        try {
                            HttpResponse<Void> r = RunningGateway.CLIENT.send(HttpRequest.newBuilder(uri)
                                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                            statuses.computeIfAbsent(r.statusCode(), s -> new LongAdder()).increment();
                        } catch (Exception e) {
                            errors.increment();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(cap.toSeconds() + 10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<Integer, Long> counts = new TreeMap<>();
        statuses.forEach((status, n) -> counts.put(status, n.sum()));
        long ok = counts.getOrDefault(200, 0L);
        long badGateway = counts.getOrDefault(502, 0L);
        long sent = counts.values().stream().mapToLong(Long::longValue).sum() + errors.sum();
        System.out.printf(Locale.ROOT, "NGINX-LOAD requests=%d concurrency=%d seconds=%.2f rps=%.0f status200=%d"
                + " status502=%d%n", sent, concurrency, seconds, sent / seconds, ok, badGateway);
        System.out.printf(Locale.ROOT, "NGINX-LOAD-DETAIL statuses=%s clientErrors=%d upstreamConnectionsOpened=%d%n",
                counts, errors.sum(), backend.connectionsAccepted() - connectionsBefore);

        assertThat(errors.sum()).as("client-side errors").isZero();
        assertThat(badGateway).as("502s").isZero();
        assertThat(counts).as("statuses").containsOnlyKeys(200);
        assertThat(ok).as("requests completed within " + cap).isEqualTo(requests);
        // Keep-alive on the gateway's hop: a few pooled connections served all the requests.
        assertThat(backend.connectionsAccepted() - connectionsBefore).isLessThanOrEqualTo(64);
    }
}
