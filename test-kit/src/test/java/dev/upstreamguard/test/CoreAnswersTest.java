package dev.upstreamguard.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.core.UpstreamResponse;
import dev.upstreamguard.core.retry.RetryBudgetConfig;
import dev.upstreamguard.core.retry.RetryPolicy;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** What core's {@code Upstream} answers for each fault of the kit: the table of the kit's guide, proven. */
class CoreAnswersTest {

    static Stream<Arguments> faults() {
        return Stream.of(
                Arguments.of("acceptThenClose", Fault.acceptThenClose(), "connection_terminated", 502),
                Arguments.of("closeAfterRequest", Fault.closeAfterRequest(), "connection_terminated", 502),
                Arguments.of("resetAfterRequest", Fault.resetAfterRequest(), "connection_terminated", 502),
                Arguments.of("resetMidBody", Fault.resetMidBody(100, 10), "http_response_incomplete", 502),
                Arguments.of("blackhole", Fault.blackhole(), "http_response_timeout", 504),
                Arguments.of("slowHeaders", Fault.slowHeaders(Duration.ofSeconds(5)), "http_response_timeout", 504),
                Arguments.of("trickle", Fault.trickle("x".repeat(100), Duration.ofMillis(100)),
                        "http_response_timeout", 504),
                Arguments.of("truncatedBody", Fault.truncatedBody(100, "short"), "http_response_incomplete", 502),
                Arguments.of("brokenChunked", Fault.brokenChunked(), "http_response_transfer_coding", 502),
                Arguments.of("truncatedChunked", Fault.truncatedChunked(), "http_response_incomplete", 502),
                Arguments.of("garbage", Fault.garbage(), "http_protocol_error", 502),
                Arguments.of("invalidStatusLine", Fault.invalidStatusLine(), "http_protocol_error", 502),
                Arguments.of("invalidStatusLine 999", Fault.invalidStatusLine("HTTP/1.1 999 Nope"),
                        "http_protocol_error", 502),
                Arguments.of("oversizedHeaders", Fault.oversizedHeaders(64 * 1024),
                        "http_response_header_section_size", 502),
                Arguments.of("oversizedHeaderLine", Fault.oversizedHeaderLine(20_000), "http_response_header_size",
                        502),
                Arguments.of("badGzip", Fault.badGzip(), "http_response_content_coding", 502),
                Arguments.of("status 500", Fault.status(500, "boom"), null, 502),
                Arguments.of("status 503 + Retry-After", Fault.status(503, "busy", "Retry-After", "1"), null, 503),
                Arguments.of("status 504", Fault.status(504, "slow"), null, 504),
                Arguments.of("raw empty + RST", Fault.raw(new byte[0], 1, Fault.After.RST), "connection_terminated",
                        502),
                Arguments.of("tlsHandshakeFailureAlert (https)", Fault.tlsHandshakeFailureAlert(),
                        "tls_alert_received", 502),
                // HttpClient bounds the TLS handshake by the connect timeout.
                Arguments.of("tlsHandshakeNeverCompletes (https)", Fault.tlsHandshakeNeverCompletes(),
                        "connection_timeout", 504),
                Arguments.of("plain server on https URL", Fault.ok("plain"), "tls_protocol_error", 502));
    }

    @ParameterizedTest(name = "{0} -> {2} {3}")
    @MethodSource("faults")
    void eachFaultBecomesItsKindAndStatus(String name, Fault fault, String errorType, int status) {
        try (FaultyUpstream server = FaultyUpstream.start(fault)) {
            boolean https = name.contains("https");
            UpstreamException e = fail(https ? server.httpsBaseUri() : server.baseUri(), b -> { });

            report(name, e);
            assertThat(e.kind().errorType()).as(name + ": " + e.getMessage()).isEqualTo(errorType);
            assertThat(e.status()).as(name).isEqualTo(status);
            if (errorType == null) { // the upstream answered: Proxy-Status says what it answered
                assertThat(e.receivedStatus()).isEqualTo(fault.code);
                assertThat(e.proxyStatus("upstream-guard")).contains("received-status=" + fault.code);
            } else {
                assertThat(e.proxyStatus("upstream-guard")).contains("error=" + errorType);
            }
        }
    }

    @Test
    void refusedPortIsConnectionRefused() {
        UpstreamException e = fail(FaultyUpstream.refusingBaseUri(), b -> { });

        report("refused port", e);
        assertThat(e.kind().errorType()).isEqualTo("connection_refused");
        assertThat(e.status()).isEqualTo(502);
    }

    @Test
    void fullAcceptQueueIsConnectionTimeout() {
        try (FullAcceptQueue queue = FullAcceptQueue.start()) {
            UpstreamException e = fail(queue.baseUri(), b -> { });

            report("full accept queue", e);
            assertThat(e.kind().errorType()).isEqualTo("connection_timeout");
            assertThat(e.status()).isEqualTo(504);
        }
    }

    @Test
    void certificateFaultsAreCertificateErrors() {
        TestCertificate selfSigned = TestCertificate.selfSigned();
        TestCertificate expired = TestCertificate.expired();
        TestCertificate wrongHost = TestCertificate.forHost("wrong.example");
        assertCertificateError("self-signed, not trusted", selfSigned, null);
        assertCertificateError("expired, CA trusted", expired, expired.trustingClientContext());
        assertCertificateError("wrong host name, trusted", wrongHost, wrongHost.trustingClientContext());
    }

    @Test
    void trustedCertificateIsAnswered() throws Exception {
        TestCertificate cert = TestCertificate.selfSigned();
        try (FaultyUpstream server = FaultyUpstream.startTls(cert, Fault.ok("secure"));
                Upstream upstream = upstream(server.httpsBaseUri(), b -> b.sslContext(cert.trustingClientContext())
                        .policy(UpstreamPolicy.builder().requestTimeout(Duration.ofSeconds(8))
                                .attemptTimeout(Duration.ofSeconds(6)).connectTimeout(Duration.ofSeconds(6))
                                .circuitBreakerEnabled(false).retry(RetryPolicy.none()).build()),
                        RetryPolicy.none())) {
            assertThat(upstream.execute(ClassicRequestBuilder.get("/").build()).bodyAsString()).isEqualTo("secure");
        }
    }

    @Test
    void unknownHostIsDnsError() {
        UpstreamException e = fail("http://gone.test:80", b -> b.dnsResolver(TestDns.create().unknownHost("gone.test")));

        report("DNS unknown host", e);
        assertThat(e.kind().errorType()).isEqualTo("dns_error");
        assertThat(e.status()).isEqualTo(502);
    }

    @Test
    void slowLookupEndsAtTheConnectTimeoutAsDnsLookupTimedOut() {
        long start = System.nanoTime();
        UpstreamException e = fail("http://slow.test:80",
                b -> b.dnsResolver(TestDns.create().slow("slow.test", Duration.ofSeconds(3))));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        report("DNS slow lookup (3 s; connect 300 ms, deadline 1.5 s) took " + elapsed.toMillis() + " ms", e);
        // The lookup is bounded by the connect timeout (300 ms here), not left to the resolver.
        assertThat(e.kind().errorType()).isEqualTo("dns_error");
        assertThat(e.details()).startsWith("DNS lookup timed out");
        assertThat(e.status()).isEqualTo(502);
        assertThat(elapsed).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void nameResolvedToAChosenLoopbackAddressReachesTheKitServer() throws Exception {
        try (FaultyUpstream server = FaultyUpstream.start(Fault.ok("found"));
                Upstream upstream = upstream("http://users.test:" + server.port(),
                        b -> b.dnsResolver(TestDns.create().resolve("users.test", "127.0.0.1")),
                        RetryPolicy.none())) {
            UpstreamResponse r = upstream.execute(ClassicRequestBuilder.get("/u").build());

            assertThat(r.bodyAsString()).isEqualTo("found");
            assertThat(server.takeRequest(Duration.ofSeconds(1)).header("Host")).isEqualTo("users.test:" + server.port());
        }
    }

    @Test
    void failTwiceThenSucceedIsAnsweredAfterThreeAttempts() throws Exception {
        try (FaultyUpstream server = FaultyUpstream.start(
                Fault.failTimesThen(2, Fault.resetAfterRequest(), Fault.ok("third time")));
                Upstream upstream = upstream(server.baseUri(), b -> { }, retries(3))) {
            UpstreamResponse r = upstream.execute(ClassicRequestBuilder.get("/").build());

            assertThat(r.bodyAsString()).isEqualTo("third time");
            assertThat(r.attempts()).isEqualTo(3);
            assertThat(server.requestsReceived()).isEqualTo(3);
        }
    }

    @Test
    void staleKeepAliveRaceIsRetriedOnceForAGet() throws Exception {
        for (Fault.Reuse mode : Fault.Reuse.values()) {
            try (FaultyUpstream server = FaultyUpstream.start(Fault.closeOnReuse("fresh", mode));
                    Upstream upstream = upstream(server.baseUri(), b -> { }, RetryPolicy.none())) {
                upstream.execute(ClassicRequestBuilder.get("/first").build());

                UpstreamResponse r = upstream.execute(ClassicRequestBuilder.get("/reuse").build());

                report("closeOnReuse " + mode + " (GET, no retry policy)", r);
                assertThat(r.bodyAsString()).as(mode.name()).isEqualTo("fresh");
                assertThat(server.connectionsClosedOnReuse()).as(mode.name()).isEqualTo(1);
                assertThat(server.connectionsAccepted()).as(mode.name()).isEqualTo(2);
            }
        }
    }

    @Test
    void staleKeepAliveRaceFailsAPostAsConnectionTerminated() throws Exception {
        for (Fault.Reuse mode : Fault.Reuse.values()) {
            try (FaultyUpstream server = FaultyUpstream.start(Fault.closeOnReuse("fresh", mode));
                    Upstream upstream = upstream(server.baseUri(), b -> { }, RetryPolicy.none())) {
                upstream.execute(ClassicRequestBuilder.get("/first").build());

                UpstreamException e = catchThrowableOfType(UpstreamException.class,
                        () -> upstream.execute(ClassicRequestBuilder.post("/reuse").setEntity("x").build()));

                report("closeOnReuse " + mode + " (POST)", e);
                assertThat(e).as(mode.name()).isNotNull();
                assertThat(e.kind().errorType()).as(mode.name()).isEqualTo("connection_terminated");
            }
        }
    }

    @Test
    void idleCloseShortlyBeforeReuseFailsAPostAsConnectionTerminated() throws Exception {
        for (Fault.Close how : Fault.Close.values()) {
            try (FaultyUpstream server = FaultyUpstream.start(Fault.idleClose(Duration.ofMillis(100), how));
                    Upstream upstream = upstream(server.baseUri(), b -> { }, RetryPolicy.none())) {
                upstream.execute(ClassicRequestBuilder.get("/first").build());
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                        .until(() -> server.connectionsClosedWhenIdle() == 1);

                UpstreamException e = catchThrowableOfType(UpstreamException.class,
                        () -> upstream.execute(ClassicRequestBuilder.post("/after-idle").setEntity("x").build()));

                // The reuse check (available(), and validateAfterInactivity after 2 s) cannot see a FIN or RST
                // that arrived within 2 s of the last use: the connection is reused and the POST is not retried.
                report("idleClose " + how + " 100 ms, then POST on the pooled connection", e);
                assertThat(e).as(how.name()).isNotNull();
                assertThat(e.kind().errorType()).as(how.name()).isEqualTo("connection_terminated");
            }
        }
    }

    private static void assertCertificateError(String name, TestCertificate cert, SSLContext trust) {
        try (FaultyUpstream server = FaultyUpstream.startTls(cert, Fault.ok("x"))) {
            UpstreamException e = fail(server.httpsBaseUri(), b -> {
                if (trust != null) {
                    b.sslContext(trust);
                }
            });
            report("TLS " + name, e);
            assertThat(e.kind().errorType()).as(name + ": " + e.getMessage()).isEqualTo("tls_certificate_error");
            assertThat(e.status()).isEqualTo(502);
        }
    }

    private static UpstreamException fail(String baseUri, Consumer<Upstream.Builder> customizer) {
        try (Upstream upstream = upstream(baseUri, customizer, RetryPolicy.none())) {
            UpstreamException e = catchThrowableOfType(UpstreamException.class,
                    () -> upstream.execute(ClassicRequestBuilder.get("/").build()));
            assertThat(e).as("expected the call to fail").isNotNull();
            assertThat(upstream.connectionPoolStats().getLeased()).isZero();
            return e;
        }
    }

    private static RetryPolicy retries(int attempts) {
        return RetryPolicy.builder().maxAttempts(attempts).backoff(Duration.ofMillis(5), Duration.ofMillis(20), 2)
                .budget(RetryBudgetConfig.unlimited()).build();
    }

    private static Upstream upstream(String baseUri, Consumer<Upstream.Builder> customizer, RetryPolicy retry) {
        UpstreamPolicy policy = UpstreamPolicy.builder()
                .requestTimeout(Duration.ofMillis(1500))
                .attemptTimeout(Duration.ofMillis(1000))
                .connectTimeout(Duration.ofMillis(300))
                .poolLeaseTimeout(Duration.ofMillis(200))
                .circuitBreakerEnabled(false)
                .retry(retry)
                .build();
        SplittableRandom seeded = new SplittableRandom(7);
        Upstream.Builder b = Upstream.builder("backend").baseUri(baseUri).policy(policy).random(seeded::nextDouble);
        customizer.accept(b);
        return b.build();
    }

    private static void report(String fault, UpstreamException e) {
        System.out.printf("FAULT-TABLE | %s | %s | %d | attempts=%d | requestSent=%s | %s%n", fault,
                e.kind().errorType(), e.status(), e.attempts(), e.requestSent(), e.proxyStatus("upstream-guard"));
    }

    private static void report(String fault, UpstreamResponse r) {
        System.out.printf("FAULT-TABLE | %s | answered %d | attempts=%d%n", fault, r.status(), r.attempts());
    }
}
