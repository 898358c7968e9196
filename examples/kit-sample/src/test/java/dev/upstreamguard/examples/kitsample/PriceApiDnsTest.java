package dev.upstreamguard.examples.kitsample;

import static dev.upstreamguard.test.assertion.UpstreamAssertions.assertThat;

import dev.upstreamguard.spring.autoconfigure.UpstreamCustomizer;
import dev.upstreamguard.test.TestDns;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "upstream-guard.upstreams.prices.base-uri=http://prices.internal:8080")
class PriceApiDnsTest {
    @LocalServerPort
    int port;

    @TestConfiguration
    static class BrokenDns {
        @Bean
        UpstreamCustomizer unknownHost() {
            return (name, builder) -> builder.dnsResolver(TestDns.create().unknownHost("prices.internal"));
        }
    }

    @Test
    void unknownHostBecomes502DnsError() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/price/42"))
                        .header("Accept", "application/problem+json").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response).isBadGateway().hasProxyStatusError("dns_error")
                .hasProblemMember("requestSent", false).hasCorrelationId();
    }
}
