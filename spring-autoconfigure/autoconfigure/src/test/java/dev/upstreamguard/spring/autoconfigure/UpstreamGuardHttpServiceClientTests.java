package dev.upstreamguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.test.RecordedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.OrderComparator;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.support.RestClientHttpServiceGroupConfigurer;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.PostExchange;
import org.springframework.web.service.registry.ImportHttpServices;

/**
 * HTTP service clients ({@code @ImportHttpServices}) of a group named like an upstream send through its guarded
 * client, against a real misbehaving upstream; Boot's group properties and RestClientCustomizers still apply.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        classes = UpstreamGuardHttpServiceClientTests.ServiceClientApplication.class,
        properties = {
                "upstream-guard.request-timeout=3s",
                "upstream-guard.upstream-defaults.attempt-timeout=500ms",
                "upstream-guard.upstream-defaults.connect-timeout=300ms",
                "upstream-guard.upstream-defaults.retry.max-attempts=3",
                "upstream-guard.upstream-defaults.retry.initial-backoff=5ms",
                "upstream-guard.upstream-defaults.retry.max-backoff=10ms",
                "upstream-guard.upstream-defaults.retry.budget.enabled=false",
                "upstream-guard.upstream-defaults.circuit-breaker.minimum-number-of-calls=100",
                "upstream-guard.upstream-defaults.circuit-breaker.sliding-window-size=100",
                "spring.http.serviceclient.backend.default-header.X-Api-Key=k1" })
class UpstreamGuardHttpServiceClientTests {
    private static final FaultyUpstream BACKEND = FaultyUpstream.start(Fault.ok("text/plain", "data"));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    private int port;

    @Autowired
    private ApplicationContext context;

    @DynamicPropertySource
    static void upstreams(DynamicPropertyRegistry registry) {
        registry.add("upstream-guard.upstreams.backend.base-uri", () -> BACKEND.baseUri() + "/api");
        registry.add("upstream-guard.upstreams.down.base-uri", () -> "http://127.0.0.1:" + FaultyUpstream.refusedPort());
        registry.add("spring.http.serviceclient.plain.base-url", () -> BACKEND.baseUri() + "/plain");
    }

    @AfterAll
    static void stopBackend() {
        BACKEND.close();
    }

    @BeforeEach
    void healthyBackend() {
        BACKEND.respond(Fault.ok("text/plain", "data"));
    }

    @Test
    void sendsTheGroupThroughItsUpstreamWithBootsGroupPropertiesAndCustomizers() throws Exception {
        HttpResponse<String> response = get("/data", "svc-healthy-1");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("data");
        List<RecordedRequest> seen = requestsWith("svc-healthy-1");
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).path()).isEqualTo("/api/data");
        assertThat(seen.get(0).header("X-Request-Timeout-Ms")).as("the guard's deadline header").isNotNull();
        assertThat(seen.get(0).header("X-Api-Key")).as("spring.http.serviceclient.backend.default-header").isEqualTo("k1");
        assertThat(seen.get(0).header("X-Customized")).as("a RestClientCustomizer").isEqualTo("yes");
    }

    @Test
    void retriesAnUpstream502AndAnswersWithTheGuardsPageAndProxyStatus() throws Exception {
        BACKEND.respond(Fault.status(502, "bad gateway upstream"));
        HttpResponse<String> response = get("/data", "svc-502-1");
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.headers().firstValue("Proxy-Status")).hasValueSatisfying(
                value -> assertThat(value).contains("received-status=502"));
        assertThat(response.body()).contains("svc-502-1").doesNotContain("bad gateway upstream");
        assertThat(requestsWith("svc-502-1")).as("max-attempts=3").hasSize(3);
    }

    @Test
    void doesNotRetryAPostWhoseRequestWasSent() throws Exception {
        BACKEND.respond(Fault.status(502, "no"));
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/orders"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).header("X-Request-ID", "svc-post-1"));
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(requestsWith("svc-post-1")).hasSize(1);
    }

    @Test
    void answersARefusedUpstreamWith502ConnectionRefused() throws Exception {
        HttpResponse<String> response = get("/down", "svc-refused-1");
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("Proxy-Status")).hasValueSatisfying(
                value -> assertThat(value).contains("error=connection_refused"));
        assertThat(response.headers().firstValue("X-Request-ID")).contains("svc-refused-1");
    }

    @Test
    void leavesAGroupThatNamesNoUpstreamAlone() throws Exception {
        HttpResponse<String> response = get("/plain", "svc-plain-1");
        assertThat(response.statusCode()).isEqualTo(200);
        RecordedRequest seen = BACKEND.requests().stream().filter(r -> r.path().equals("/plain/data")).findFirst()
                .orElseThrow();
        assertThat(seen.header("X-Request-Timeout-Ms")).isNull();
    }

    @Test
    void runsAfterBootsPropertiesConfigurerAndBeforeTheCustomizersConfigurer() {
        List<String> order = context.getBeansOfType(RestClientHttpServiceGroupConfigurer.class).values().stream()
                .sorted(OrderComparator.INSTANCE).map(c -> c.getClass().getSimpleName()).toList();
        assertThat(order).containsSubsequence("PropertiesRestClientHttpServiceGroupConfigurer",
                "UpstreamHttpServiceGroupConfigurer", "RestClientCustomizerHttpServiceGroupConfigurer");
    }

    private List<RecordedRequest> requestsWith(String id) {
        return BACKEND.requests().stream().filter(r -> id.equals(r.header("X-Request-ID"))).toList();
    }

    private HttpResponse<String> get(String path, String id) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("X-Request-ID", id));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The upstream's API, as an application declares it. */
    interface BackendApi {
        @GetExchange("/data")
        String data();

        @PostExchange("/orders")
        String create(@RequestBody String order);
    }

    /** A group that names no upstream. */
    interface PlainApi {
        @GetExchange("/data")
        String data();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @ImportHttpServices(group = "backend", types = BackendApi.class)
    @ImportHttpServices(group = "down", types = DownApi.class)
    @ImportHttpServices(group = "plain", types = PlainApi.class)
    @Import(ServiceController.class)
    static class ServiceClientApplication {

        @Bean
        org.springframework.boot.restclient.RestClientCustomizer customizedHeader() {
            return builder -> builder.defaultHeader("X-Customized", "yes");
        }
    }

    /** The refused upstream's API. */
    interface DownApi {
        @GetExchange("/data")
        String data();
    }

    @RestController
    static class ServiceController {
        private final BackendApi backend;
        private final DownApi down;
        private final PlainApi plain;

        ServiceController(BackendApi backend, DownApi down, PlainApi plain) {
            this.backend = backend;
            this.down = down;
            this.plain = plain;
        }

        @GetMapping("/data")
        String data() {
            return backend.data();
        }

        @PostMapping("/orders")
        String order(@RequestBody String order) {
            return backend.create(order);
        }

        @GetMapping("/down")
        String down() {
            return down.data();
        }

        @GetMapping("/plain")
        String plain() {
            return plain.data();
        }
    }
}
