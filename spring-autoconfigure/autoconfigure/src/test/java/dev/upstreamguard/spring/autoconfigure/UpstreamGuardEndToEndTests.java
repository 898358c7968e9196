package dev.upstreamguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.test.RecordedRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.client.RestClient;

/** A Boot application on a random port calling a real misbehaving upstream through the auto-configured beans. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        classes = UpstreamGuardEndToEndTests.GatewayApplication.class,
        properties = {
                "upstream-guard.request-timeout=3s",
                "upstream-guard.front-proxy-idle-timeout=60s",
                "server.tomcat.keep-alive-timeout=65s",
                "upstream-guard.error-page.show-upstream-name=true",
                "upstream-guard.upstream-defaults.attempt-timeout=400ms",
                "upstream-guard.upstream-defaults.connect-timeout=300ms",
                "upstream-guard.upstream-defaults.pool-lease-timeout=200ms",
                "upstream-guard.upstream-defaults.retry.max-attempts=2",
                "upstream-guard.upstream-defaults.retry.initial-backoff=5ms",
                "upstream-guard.upstream-defaults.retry.max-backoff=10ms",
                "upstream-guard.upstream-defaults.retry.honor-retry-after=false",
                "upstream-guard.upstream-defaults.retry.budget.enabled=false",
                "upstream-guard.upstream-defaults.circuit-breaker.sliding-window-size=100",
                "upstream-guard.upstream-defaults.circuit-breaker.minimum-number-of-calls=100",
                "management.endpoints.web.exposure.include=health",
                "management.endpoint.health.show-details=always" })
class UpstreamGuardEndToEndTests {
    private static final FaultyUpstream BACKEND = FaultyUpstream.start(Fault.ok("application/json", "{\"ok\":true}"));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    private int port;

    @Autowired
    private MeterRegistry meterRegistry;

    @Autowired
    private ApplicationContext context;

    @DynamicPropertySource
    static void upstreams(DynamicPropertyRegistry registry) {
        registry.add("upstream-guard.upstreams.backend.base-uri", () -> BACKEND.baseUri() + "/api");
        registry.add("upstream-guard.upstreams.down.base-uri", () -> "http://127.0.0.1:" + FaultyUpstream.refusedPort());
    }

    @AfterAll
    static void stopBackend() {
        BACKEND.close();
    }

    @BeforeEach
    void healthyBackend() {
        BACKEND.respond(Fault.ok("application/json", "{\"ok\":true}"));
    }

    @Test
    void proxiesAHealthyUpstreamAndPropagatesTheCorrelationId() throws Exception {
        HttpResponse<String> response = get("/backend", "X-Request-ID", "e2e-healthy-1",
                "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"ok\":true}");
        assertThat(response.headers().firstValue("X-Request-ID")).contains("e2e-healthy-1");
        RecordedRequest seen = awaitRequestWithCorrelationId("e2e-healthy-1");
        assertThat(seen.path()).isEqualTo("/api/data");
        assertThat(Long.parseLong(seen.header("X-Request-Timeout-Ms"))).isPositive().isLessThanOrEqualTo(3000);
        assertThat(seen.header("traceparent")).contains("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @Test
    void answersARefusedUpstreamWith502ProblemJsonDespiteACatchAllAdvice() throws Exception {
        HttpResponse<String> response = get("/down", "X-Request-ID", "e2e-refused-1");
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.headers().firstValue("Proxy-Status")).hasValueSatisfying(
                value -> assertThat(value).contains("error=connection_refused"));
        assertThat(response.headers().firstValue("X-Request-ID")).contains("e2e-refused-1");
        assertThat(response.body()).contains("e2e-refused-1").doesNotContain("generic error");
    }

    @Test
    void answersAStalledUpstreamWith504HtmlPage() throws Exception {
        BACKEND.respond(Fault.blackhole());
        HttpResponse<String> response = get("/backend", "Accept", "text/html", "X-Request-ID", "e2e-stalled-1");
        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/html"));
        assertThat(response.headers().firstValue("Proxy-Status")).hasValueSatisfying(
                value -> assertThat(value).contains("error=http_response_timeout"));
        assertThat(response.body()).contains("e2e-stalled-1").contains("noindex").doesNotContain("generic error");
    }

    @Test
    void passesAnUpstream503OnWithItsRetryAfter() throws Exception {
        BACKEND.respond(Fault.status(503, "busy", "Retry-After", "7"));
        HttpResponse<String> response = get("/backend", "Accept", "text/plain");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).contains("7");
        assertThat(response.headers().firstValue("Proxy-Status")).hasValueSatisfying(
                value -> assertThat(value).contains("received-status=503"));
    }

    @Test
    void recordsUpstreamCallsAndErrorResponsesInTheApplicationsMeterRegistry() throws Exception {
        get("/backend");
        get("/down");
        assertThat(meterRegistry.find("upstream.guard.calls").tag("upstream", "backend").tag("outcome", "success")
                .timer()).isNotNull();
        assertThat(meterRegistry.find("upstream.guard.calls").tag("upstream", "down").tag("outcome", "failure")
                .timer()).isNotNull();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                meterRegistry.find("upstream.guard.error.responses").counters().stream().mapToDouble(Counter::count).sum())
                .isPositive());
    }

    @Test
    void reportsEachUpstreamsHealthUnderUpstreamGuard() throws Exception {
        get("/down");
        HttpResponse<String> health = get("/actuator/health/upstreamGuard");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"backend\"").contains("\"down\"")
                .contains("\"lastFailureKind\":\"connection_refused\"").contains("\"circuitBreaker\":\"CLOSED\"");
    }

    @Test
    void appliesTheHealthAutoConfigurationOfThisBootLineOnlyFromTheOnePublishedJar() {
        ConditionEvaluationReport report = ConditionEvaluationReport.get(
                (ConfigurableListableBeanFactory) context.getAutowireCapableBeanFactory());
        assertThat(report.getConditionAndOutcomesBySource().get(BootLine.health().getName()).isFullMatch()).isTrue();
        assertThat(report.getConditionAndOutcomesBySource().get(BootLine.otherLinesHealth()).isFullMatch()).isFalse();
        assertThat(context.getBeansOfType(BootLine.healthContributorType()).keySet())
                .filteredOn(name -> name.startsWith("upstreamGuard")).containsExactly("upstreamGuardHealthContributor");
    }

    @Test
    void readsTheRunningServersKeepAliveForTheFrontProxyCheck() {
        Optional<ServerKeepAlive> keepAlive = ServerKeepAlive.of(context, context.getEnvironment());
        assertThat(keepAlive).hasValueSatisfying(k -> {
            assertThat(k.server()).isEqualTo("Tomcat");
            assertThat(k.value()).isEqualTo(Duration.ofSeconds(65));
        });
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static RecordedRequest awaitRequestWithCorrelationId(String id) {
        return await().atMost(Duration.ofSeconds(5)).until(
                () -> BACKEND.requests().stream().filter(r -> id.equals(r.header("X-Request-ID"))).findFirst(),
                Optional::isPresent).orElseThrow();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({ GatewayController.class, CatchAllAdvice.class })
    static class GatewayApplication {
    }

    @RestController
    static class GatewayController {
        private final RestClient backend;
        private final RestClient down;

        GatewayController(@Qualifier("backend") RestClient backend, @Qualifier("down") RestClient down) {
            this.backend = backend;
            this.down = down;
        }

        @GetMapping("/backend")
        String backend() {
            return backend.get().uri("/data").retrieve().body(String.class);
        }

        @GetMapping("/down")
        String down() {
            return down.get().uri("/").retrieve().body(String.class);
        }
    }

    /** An application's catch-all handler, which would turn every failure into a generic 500. */
    @RestControllerAdvice
    static class CatchAllAdvice {
        @ExceptionHandler(Exception.class)
        ResponseEntity<String> any(Exception e) {
            return ResponseEntity.status(500).body("generic error");
        }
    }
}
