package dev.upstreamguard.examples.kitsample;

import static dev.upstreamguard.test.assertion.UpstreamAssertions.assertThat;

import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.test.TestCertificate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PriceApiTlsTest {
    static final FaultyUpstream TLS = FaultyUpstream.startTls(TestCertificate.selfSigned(), Fault.ok("{}"));

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void pricesSpeaksTlsWithAnUntrustedCertificate(DynamicPropertyRegistry registry) {
        registry.add("upstream-guard.upstreams.prices.base-uri", TLS::httpsBaseUri);
    }

    @AfterAll
    static void stop() {
        TLS.close();
    }

    @Test
    void untrustedCertificateBecomes502() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/price/42"))
                        .header("Accept", "application/problem+json").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response).isBadGateway().hasProxyStatusError("tls_certificate_error");
    }
}
