package dev.upstreamguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.test.FaultyUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The upstreams endpoint in a real web application on a random port, exposed the way users expose endpoints. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        classes = UpstreamsEndpointWebTests.App.class,
        properties = {
                "upstream-guard.probe.budget=5s",
                "upstream-guard.upstreams.down.retry.max-attempts=1",
                "management.endpoints.web.exposure.include=upstreams,metrics"})
class UpstreamsEndpointWebTests {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    private int port;

    @DynamicPropertySource
    static void upstreams(DynamicPropertyRegistry registry) {
        registry.add("upstream-guard.upstreams.down.base-uri", () -> "http://127.0.0.1:" + FaultyUpstream.refusedPort());
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).method(method, HttpRequest.BodyPublishers.noBody()).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void probesOverHttpAndPublishesTheGaugeToTheApplicationsRegistry() throws Exception {
        HttpResponse<String> list = send("GET", "/actuator/upstreams");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("\"down\"", "\"circuitBreaker\":\"CLOSED\"", "\"lastProbe\":null");
        assertThat(list.body()).contains("\"chain\":{\"verdict\":\"ok\"", "\"name\":\"Tomcat\"",
                "\"rule\":\"deadline-covers-retries\"", "\"rule\":\"pool-idle\"");

        HttpResponse<String> probe = send("POST", "/actuator/upstreams/down");
        assertThat(probe.statusCode()).as(probe.body()).isEqualTo(200);
        assertThat(probe.body()).contains("\"schema\":\"upstream-guard-doctor/probe/1\"", "\"verdict\":\"failed\"",
                "\"errorType\":\"connection_refused\"");

        HttpResponse<String> gauge = send("GET", "/actuator/metrics/upstream.guard.probe.status?tag=upstream:down");
        assertThat(gauge.statusCode()).isEqualTo(200);
        assertThat(gauge.body()).contains("\"value\":2.0", "connection_refused", "connect");

        assertThat(send("POST", "/actuator/upstreams/nope").statusCode()).isEqualTo(404);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }
}
