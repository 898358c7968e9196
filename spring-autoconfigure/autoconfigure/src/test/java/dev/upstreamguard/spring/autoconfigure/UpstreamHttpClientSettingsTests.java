package dev.upstreamguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/** Boot's SSL bundles and redirect setting reach the upstreams' clients; HttpClient's own retries stay off. */
class UpstreamHttpClientSettingsTests {
    @TempDir
    static Path dir;
    private static TlsTestServer.Certificates certs;
    private static TlsTestServer mutualTls;
    private static TlsTestServer serverTls;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(UpstreamGuardAutoConfiguration.class,
                    UpstreamGuardHttpClientSettingsAutoConfiguration.class, SslAutoConfiguration.class))
            .withConfiguration(BootLine.restClient())
            .withPropertyValues("upstream-guard.request-timeout=10s",
                    "upstream-guard.upstream-defaults.attempt-timeout=5s",
                    "upstream-guard.upstream-defaults.retry.max-attempts=1");

    @BeforeAll
    static void startServers() throws Exception {
        certs = TlsTestServer.Certificates.generate(dir);
        mutualTls = TlsTestServer.start(certs, true);
        serverTls = TlsTestServer.start(certs, false);
    }

    @AfterAll
    static void stopServers() throws Exception {
        mutualTls.close();
        serverTls.close();
    }

    @Test
    void presentsTheBundlesClientCertificateToAnMtlsUpstream() {
        runner.withPropertyValues(bundle("client", true, true))
                .withPropertyValues("upstream-guard.upstreams.secure.base-uri=" + mutualTls.baseUri(),
                        "upstream-guard.upstreams.secure.ssl.bundle=client")
                .run(context -> assertThat(client(context, "secure").get().uri("/hello").retrieve().body(String.class))
                        .isEqualTo("hello CN=upstream-guard-client"));
    }

    @Test
    void trustsTheUpstreamThroughTheBundlesTrustStore() {
        runner.withPropertyValues(bundle("trust", false, true))
                .withPropertyValues("upstream-guard.upstream-defaults.ssl.bundle=trust",
                        "upstream-guard.upstreams.internal.base-uri=" + serverTls.baseUri())
                .run(context -> assertThat(client(context, "internal").get().uri("/").retrieve().body(String.class))
                        .isEqualTo("hello none"));
    }

    @Test
    void withoutABundleTheUpstreamsPrivateCertificateIsNotTrusted() {
        runner.withPropertyValues("upstream-guard.upstreams.internal.base-uri=" + serverTls.baseUri()).run(context -> {
            Throwable failure = catchThrowable(() -> client(context, "internal").get().uri("/").retrieve().body(String.class));
            assertThat(failure).cause().isInstanceOfSatisfying(UpstreamException.class,
                    e -> assertThat(e.kind()).isEqualTo(FailureKind.TLS_CERTIFICATE_ERROR));
        });
    }

    @Test
    void failsAtStartupNamingThePropertyOfAnUnknownBundle() {
        runner.withPropertyValues("upstream-guard.upstreams.secure.base-uri=" + mutualTls.baseUri(),
                "upstream-guard.upstreams.secure.ssl.bundle=missing").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .isInstanceOf(UpstreamGuardConfigurationException.class)
                            .hasMessageContaining("upstream-guard.upstreams.secure.ssl.bundle = missing")
                            .hasMessageContaining("no SSL bundle is called 'missing'");
                });
    }

    @Test
    void followsRedirectsByDefaultAsBootDoes() {
        try (FaultyUpstream upstream = FaultyUpstream.start(
                Fault.sequence(Fault.status(302, "", "Location", "/moved"), Fault.ok("text/plain", "moved here")))) {
            runner.withPropertyValues("upstream-guard.upstreams.web.base-uri=" + upstream.baseUri())
                    .run(context -> {
                        assertThat(client(context, "web").get().uri("/old").retrieve().body(String.class))
                                .isEqualTo("moved here");
                        assertThat(upstream.requests()).extracting(r -> r.path()).containsExactly("/old", "/moved");
                    });
        }
    }

    @Test
    void honoursBootsDontFollowRedirectSetting() {
        String property = BootLine.BOOT_4 ? "spring.http.clients.redirects" : "spring.http.client.redirects";
        try (FaultyUpstream upstream = FaultyUpstream.start(
                Fault.sequence(Fault.status(302, "", "Location", "/moved"), Fault.ok("text/plain", "moved here")))) {
            runner.withPropertyValues("upstream-guard.upstreams.web.base-uri=" + upstream.baseUri(),
                    property + "=dont-follow").run(context -> {
                        ResponseEntity<Void> response = client(context, "web").get().uri("/old").retrieve()
                                .toBodilessEntity();
                        assertThat(response.getStatusCode().value()).isEqualTo(302);
                        assertThat(upstream.requests()).extracting(r -> r.path()).containsExactly("/old");
                    });
        }
    }

    @Test
    void httpClientsOwnRetryOfA503WithRetryAfterStaysOff() {
        try (FaultyUpstream upstream = FaultyUpstream.start(Fault.status(503, "busy", "Retry-After", "1"))) {
            runner.withPropertyValues("upstream-guard.upstreams.busy.base-uri=" + upstream.baseUri(),
                    "upstream-guard.upstreams.busy.retry.max-attempts=1").run(context -> {
                        RestClient busy = client(context, "busy");
                        assertThat(catchThrowable(() -> busy.get().uri("/").retrieve().body(String.class)))
                                .cause().isInstanceOf(UpstreamException.class);
                        assertThat(catchThrowable(() -> busy.post().uri("/").body("x").retrieve().body(String.class)))
                                .cause().isInstanceOf(UpstreamException.class);
                        assertThat(upstream.requests()).extracting(r -> r.method()).containsExactly("GET", "POST");
                    });
        }
    }

    @Test
    void rejectsAnUnknownRedirectSetting() {
        runner.withPropertyValues("upstream-guard.upstreams.web.base-uri=http://127.0.0.1:9",
                "spring.http.serviceclient.web.redirects=sometimes").run(context -> assertThat(context.getStartupFailure())
                        .rootCause().hasMessageContaining("spring.http.serviceclient.web.redirects = sometimes"));
    }

    private static RestClient client(org.springframework.context.ApplicationContext context, String name) {
        return context.getBean(name + "RestClient", RestClient.class);
    }

    private static String[] bundle(String name, boolean keys, boolean trust) {
        String at = "spring.ssl.bundle.jks." + name + ".";
        java.util.List<String> p = new java.util.ArrayList<>();
        if (keys) {
            p.addAll(java.util.List.of(at + "keystore.location=file:" + certs.clientKeys(),
                    at + "keystore.password=" + TlsTestServer.PASSWORD, at + "keystore.type=PKCS12"));
        }
        if (trust) {
            p.addAll(java.util.List.of(at + "truststore.location=file:" + certs.clientTrust(),
                    at + "truststore.password=" + TlsTestServer.PASSWORD, at + "truststore.type=PKCS12"));
        }
        return p.toArray(String[]::new);
    }
}
