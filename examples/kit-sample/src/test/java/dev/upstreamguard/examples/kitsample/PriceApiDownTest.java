package dev.upstreamguard.examples.kitsample;

import static dev.upstreamguard.test.assertion.UpstreamAssertions.assertThat;

import dev.upstreamguard.test.FaultyUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PriceApiDownTest {
    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void pricesIsDown(DynamicPropertyRegistry registry) {
        registry.add("upstream-guard.upstreams.prices.base-uri", FaultyUpstream::refusingBaseUri);
    }

    @Test
    void upstreamDownBecomes502ConnectionRefused() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/price/42"))
                        .header("Accept", "application/problem+json").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response).isBadGateway().hasProxyStatusError("connection_refused")
                .hasProblemMember("requestSent", false).hasProblemMember("retryable", true);
    }
}
