package dev.upstreamguard.examples.kitsample;

import static dev.upstreamguard.test.assertion.UpstreamAssertions.assertFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.core.retry.RetryPolicy;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.test.TestCertificate;
import dev.upstreamguard.test.TestDns;
import dev.upstreamguard.test.junit.FaultyUpstreamExtension;
import java.time.Duration;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PlainJUnitGuideTest {
    @RegisterExtension
    final FaultyUpstreamExtension server = new FaultyUpstreamExtension();

    private final UpstreamPolicy policy = UpstreamPolicy.builder()
            .requestTimeout(Duration.ofSeconds(5))
            .attemptTimeout(Duration.ofSeconds(2))
            .connectTimeout(Duration.ofSeconds(1))
            .poolLeaseTimeout(Duration.ofSeconds(1))
            .retry(RetryPolicy.none())
            .build();

    private Upstream prices(String baseUri) {
        return server.watch(Upstream.builder("prices").baseUri(baseUri).policy(policy).build());
    }

    private void get(Upstream upstream) throws Exception {
        upstream.execute(ClassicRequestBuilder.get("/prices/42").build());
    }

    @Test
    void upstreamDownIsConnectionRefused() {
        Upstream prices = prices(FaultyUpstream.refusingBaseUri());

        assertFailure(() -> get(prices)).hasKind(FailureKind.CONNECTION_REFUSED).hasStatus(502)
                .requestWasNotSent();
    }

    @Test
    void overloadedUpstreamIs503WithItsRetryAfter() {
        server.upstream().respond(Fault.status(503, "busy", "Retry-After", "5"));
        Upstream prices = prices(server.baseUri());

        assertFailure(() -> get(prices)).hasStatus(503).hasReceivedStatus(503).requestWasSent();
    }

    @Test
    void workerCrashMidResponseIsIncompleteResponse() {
        server.upstream().respond(Fault.resetMidBody(1000, 100));
        Upstream prices = prices(server.baseUri());

        assertFailure(() -> get(prices)).hasErrorType("http_response_incomplete").hasStatus(502);
    }

    @Test
    void emptyResponseIsConnectionTerminated() {
        server.upstream().respond(Fault.closeAfterRequest());
        Upstream prices = prices(server.baseUri());

        assertFailure(() -> get(prices)).hasErrorType("connection_terminated").hasStatus(502);
    }

    @Test
    void malformedHeadersAreProtocolErrors() {
        server.upstream().on("/prices/1", Fault.invalidStatusLine())
                .on("/prices/2", Fault.oversizedHeaderLine(20_000));
        Upstream prices = prices(server.baseUri());

        assertFailure(() -> prices.execute(ClassicRequestBuilder.get("/prices/1").build()))
                .hasErrorType("http_protocol_error");
        assertFailure(() -> prices.execute(ClassicRequestBuilder.get("/prices/2").build()))
                .hasErrorType("http_response_header_size");
    }

    @Test
    void unknownHostIsDnsError() {
        Upstream prices = server.watch(Upstream.builder("prices").baseUri("http://prices.internal:8080")
                .dnsResolver(TestDns.create().unknownHost("prices.internal")).policy(policy).build());

        assertFailure(() -> get(prices)).hasErrorType("dns_error").hasStatus(502).requestWasNotSent();
    }

    @Test
    void firewallDroppingPacketsIsAResponseTimeout() {
        server.upstream().respond(Fault.blackhole());
        Upstream prices = prices(server.baseUri());

        assertFailure(() -> get(prices)).hasErrorType("http_response_timeout").hasStatus(504)
                .tookAtMost(Duration.ofSeconds(4));
    }

    @Test
    void untrustedCertificateIsCertificateError() {
        FaultyUpstream tls = server.track(FaultyUpstream.startTls(TestCertificate.selfSigned(), Fault.ok("{}")));
        Upstream prices = server.watch(Upstream.builder("prices").baseUri(tls.httpsBaseUri())
                .policy(UpstreamPolicy.from(policy).connectTimeout(Duration.ofSeconds(4))
                        .attemptTimeout(Duration.ofSeconds(4)).build()) // a JVM's first handshake is slow
                .build());

        assertFailure(() -> get(prices)).hasErrorType("tls_certificate_error").requestWasNotSent();
    }

    @Test
    void upstreamSlowerThanOurTimeoutIs504() {
        server.upstream().respond(Fault.slowHeaders(Duration.ofSeconds(10)));
        Upstream prices = prices(server.baseUri());

        assertFailure(() -> get(prices)).hasErrorType("http_response_timeout").hasStatus(504)
                .tookAtMost(Duration.ofSeconds(4));
    }

    @Test
    void staleKeepAliveConnectionIsRetriedOnceForAGet() throws Exception {
        server.upstream().respond(Fault.closeOnReuse("{\"price\":7}", Fault.Reuse.FIN_BEFORE_REQUEST));
        Upstream prices = prices(server.baseUri());
        get(prices);

        assertEquals("{\"price\":7}", prices.execute(ClassicRequestBuilder.get("/prices/42").build()).bodyAsString());
        assertEquals(1, server.upstream().connectionsClosedOnReuse());
    }
}
