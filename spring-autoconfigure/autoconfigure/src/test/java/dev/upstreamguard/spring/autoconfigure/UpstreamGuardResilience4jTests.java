package dev.upstreamguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * With resilience4j's own Spring Boot integration on the class path, resilience4j.circuitbreaker.instances.<name> and
 * resilience4j.bulkhead.instances.<name> configure that upstream's breaker and bulkhead, and resilience4j's actuator
 * endpoints and health show the upstreams'.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        classes = UpstreamGuardResilience4jTests.Resilience4jApplication.class,
        properties = {
                "upstream-guard.request-timeout=10s",
                "upstream-guard.upstream-defaults.attempt-timeout=5s",
                "upstream-guard.upstream-defaults.retry.max-attempts=1",
                "upstream-guard.upstreams.backend.max-concurrent-calls=8",
                "upstream-guard.upstreams.other.base-uri=http://127.0.0.1:9",
                "resilience4j.circuitbreaker.instances.backend.failure-rate-threshold=25",
                "resilience4j.circuitbreaker.instances.backend.minimum-number-of-calls=50",
                "resilience4j.circuitbreaker.instances.backend.register-health-indicator=true",
                "resilience4j.bulkhead.instances.backend.max-concurrent-calls=1",
                "management.health.circuitbreakers.enabled=true",
                "management.endpoint.health.show-details=always",
                "management.endpoints.web.exposure.include=health,circuitbreakers,bulkheads" })
class UpstreamGuardResilience4jTests {
    private static final FaultyUpstream BACKEND = FaultyUpstream.start(Fault.slowHeaders(Duration.ofSeconds(2)));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    private int port;

    @Autowired
    private CircuitBreakerRegistry breakers;

    @Autowired
    private BulkheadRegistry bulkheads;

    @Autowired
    @Qualifier("backend")
    private Upstream backend;

    @DynamicPropertySource
    static void upstreams(DynamicPropertyRegistry registry) {
        registry.add("upstream-guard.upstreams.backend.base-uri", BACKEND::baseUri);
    }

    @AfterAll
    static void stopBackend() {
        BACKEND.close();
    }

    @Test
    void resilience4jInstancePropertiesConfigureTheUpstreamsBreakerOverUpstreamGuardsDefaults() {
        assertThat(backend.circuitBreaker()).isSameAs(breakers.circuitBreaker("backend"));
        assertThat(backend.circuitBreaker().getCircuitBreakerConfig().getFailureRateThreshold()).isEqualTo(25f);
        assertThat(backend.circuitBreaker().getCircuitBreakerConfig().getMinimumNumberOfCalls()).isEqualTo(50);
    }

    @Test
    void anUpstreamWithoutInstancePropertiesKeepsItsOwnSettingsInTheRegistry() {
        assertThat(breakers.find("other")).hasValueSatisfying(
                breaker -> assertThat(breaker.getCircuitBreakerConfig().getFailureRateThreshold()).isEqualTo(50f));
        assertThat(bulkheads.find("other")).hasValueSatisfying(
                bulkhead -> assertThat(bulkhead.getBulkheadConfig().getMaxConcurrentCalls()).isEqualTo(64));
    }

    @Test
    void resilience4jInstancePropertiesSizeTheUpstreamsBulkhead() throws Exception {
        assertThat(bulkheads.bulkhead("backend").getBulkheadConfig().getMaxConcurrentCalls()).isEqualTo(1);
        int before = BACKEND.requestsReceived();
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> {
            try {
                backend.execute(ClassicRequestBuilder.get("/slow").build());
            } catch (UpstreamException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> BACKEND.requestsReceived() > before);
        Throwable second = catchThrowable(() -> backend.execute(ClassicRequestBuilder.get("/second").build()));
        assertThat(second).isInstanceOfSatisfying(UpstreamException.class,
                e -> assertThat(e.kind()).isEqualTo(FailureKind.CONNECTION_LIMIT_REACHED));
        first.get(10, TimeUnit.SECONDS);
    }

    @Test
    void resilience4jsEndpointsAndHealthShowTheUpstreams() throws Exception {
        assertThat(get("/actuator/circuitbreakers")).contains("\"backend\"").contains("\"other\"");
        assertThat(get("/actuator/bulkheads")).contains("\"backend\"").contains("\"other\"");
        assertThat(get("/actuator/health")).contains("circuitBreakers").contains("\"backend\"");
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Resilience4jApplication {
    }
}
