package dev.upstreamguard.doctor.probe;

import static dev.upstreamguard.doctor.testing.Measured.assertNear;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.doctor.Hop;
import dev.upstreamguard.doctor.Verdict;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.test.TestCertificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TLS outcomes against the fault kit's TLS upstream, with certificates the kit makes in memory. */
class ProbeTlsTest {
    static TestCertificate good;
    static TestCertificate expired;
    static TestCertificate wrongHost;

    @BeforeAll
    static void certificates() {
        good = TestCertificate.selfSigned(Duration.ofDays(30)); // CN=upstream-guard-test, 30 more days
        expired = TestCertificate.expired(); // signed by a throw-away CA, expired two days ago
        wrongHost = TestCertificate.forHost("wrong.example");
    }

    /** A TLS server answering 200 {@code "secure"} to every request on a connection (keep-alive). */
    private static FaultyUpstream https(TestCertificate cert) {
        return FaultyUpstream.startTls(cert, Fault.ok("secure"));
    }

    private static UpstreamProbe.Builder probe(FaultyUpstream server) {
        return UpstreamProbe.builder(server.httpsBaseUri() + "/").idlePeriods(List.of())
                .responseTimeout(Duration.ofSeconds(5));
    }

    @Test
    void trustedCertificateReportsProtocolCipherAlpnChainAndExpiry() {
        try (FaultyUpstream server = https(good)) {
            ProbeReport report = probe(server).sslContext(good.trustingClientContext()).build().run();

            assertThat(report.verdict()).isEqualTo(Verdict.OK);
            Map<String, Object> tls = report.phase(ProbePhase.TLS).facts();
            assertThat(tls.get("protocol")).isEqualTo("TLSv1.3");
            assertThat((String) tls.get("cipher")).startsWith("TLS_");
            assertThat(tls).containsEntry("hostnameCheck", "passed").containsEntry("sni", null);
            assertThat(((Number) tls.get("daysToExpiry")).longValue()).isBetween(28L, 30L);
            assertThat(tls.get("chain").toString()).contains("subject=CN=upstream-guard-test",
                    "issuer=CN=upstream-guard-test");
            assertThat(report.phase(ProbePhase.TRANSFER).facts()).containsEntry("bytes", 6L);
        }
    }

    @Test
    void trustedCertificateExpiringWithinTwoWeeksDegradesAndSaysWhen() {
        TestCertificate expiringSoon = TestCertificate.selfSigned(Duration.ofDays(3));
        try (FaultyUpstream server = https(expiringSoon)) {
            ProbeReport report = probe(server).sslContext(expiringSoon.trustingClientContext()).build().run();

            PhaseResult tls = report.phase(ProbePhase.TLS);
            assertThat(tls.verdict()).isEqualTo(Verdict.DEGRADED);
            assertThat(tls.errorType()).isEqualTo("tls_certificate_error");
            assertThat(((Number) tls.facts().get("daysToExpiry")).longValue()).isBetween(1L, 3L);
            assertThat(tls.fix()).isEqualTo("renew the upstream's certificate: it expires in "
                    + tls.facts().get("daysToExpiry") + " days.");
            assertThat(report.phase(ProbePhase.TRANSFER).facts()).containsEntry("bytes", 6L);
        }
    }

    @Test
    void idleCloseOverTlsIsMeasuredToo() {
        Duration truth = Duration.ofSeconds(1);
        try (FaultyUpstream server = FaultyUpstream.startTls(good, Fault.idleClose(truth, Fault.Close.FIN))) {
            ProbeReport report = UpstreamProbe.builder(server.httpsBaseUri()).sslContext(good.trustingClientContext())
                    .idlePeriods(List.of(Duration.ofMillis(2500))).poolIdleTimeout(null).build().run();

            PhaseResult keepAlive = report.phase(ProbePhase.KEEP_ALIVE);
            assertThat(keepAlive.facts()).containsEntry("closedBy", "FIN");
            assertNear("idle close over TLS at 1 s", ((Number) keepAlive.facts().get("closedAfterMs")).longValue(),
                    truth);
        }
    }

    @Test
    void handshakeRefusedWithAnAlertNamesTheAlert() {
        // The server answers the ClientHello with a fatal handshake_failure alert.
        try (FaultyUpstream server = FaultyUpstream.start(Fault.tlsHandshakeFailureAlert())) {
            ProbeReport report = probe(server).sslContext(good.trustingClientContext()).build().run();

            PhaseResult tls = report.phase(ProbePhase.TLS);
            assertThat(tls.kind()).isEqualTo(FailureKind.TLS_ALERT_RECEIVED);
            assertThat(tls.facts()).containsEntry("alert", "handshake_failure");
        }
    }

    @Test
    void selfSignedCertificateIsACertificateErrorNamedSelfSigned() {
        try (FaultyUpstream server = https(good)) {
            ProbeReport report = probe(server).build().run(); // the JVM's trust store does not know it

            PhaseResult tls = report.problem().orElseThrow();
            assertThat(tls.phase()).isEqualTo(ProbePhase.TLS);
            assertThat(tls.kind()).isEqualTo(FailureKind.TLS_CERTIFICATE_ERROR);
            assertThat(tls.summary()).isEqualTo("the certificate is self-signed and not trusted");
            assertThat(tls.hop()).isEqualTo(Hop.UPSTREAM);
            assertThat(tls.facts().get("chain").toString()).contains("CN=upstream-guard-test");
            assertThat(report.phase(ProbePhase.PROCESSING).skipped()).isTrue();
        }
    }

    @Test
    void expiredCertificateIsACertificateErrorWithNegativeDaysToExpiry() {
        try (FaultyUpstream server = https(expired)) {
            ProbeReport report = probe(server).sslContext(expired.trustingClientContext()).build().run();

            PhaseResult tls = report.phase(ProbePhase.TLS);
            assertThat(tls.errorType()).isEqualTo("tls_certificate_error");
            assertThat(tls.summary()).startsWith("the certificate expired on ");
            // It expired two days (and the seconds since it was made) ago.
            assertThat(((Number) tls.facts().get("daysToExpiry")).longValue()).isBetween(-3L, -1L);
            assertThat(tls.fix()).isEqualTo("renew the upstream's certificate.");
        }
    }

    @Test
    void expiredAndUntrustedCertificateIsReportedAsExpired() {
        try (FaultyUpstream server = https(expired)) {
            ProbeReport report = probe(server).build().run();

            PhaseResult tls = report.phase(ProbePhase.TLS);
            assertThat(tls.errorType()).isEqualTo("tls_certificate_error");
            assertThat(tls.summary()).startsWith("the certificate expired on ");
        }
    }

    @Test
    void certificateForAnotherHostFailsTheHostNameCheck() {
        try (FaultyUpstream server = https(wrongHost)) {
            ProbeReport report = probe(server).sslContext(wrongHost.trustingClientContext()).build().run();

            PhaseResult tls = report.phase(ProbePhase.TLS);
            assertThat(tls.errorType()).isEqualTo("tls_certificate_error");
            assertThat(tls.summary()).isEqualTo("the certificate is not for 127.0.0.1 (it names wrong.example)");
            assertThat(tls.facts()).containsEntry("hostnameCheck", "failed");
        }
    }

    @Test
    void plainHttpServerOnAnHttpsUrlIsNamedAsSuch() {
        // A plain server answers the ClientHello with a plain-text 400 Bad Request, as nginx does.
        try (FaultyUpstream server = FaultyUpstream.start(Fault.ok("plain"))) {
            ProbeReport report = probe(server).build().run();

            PhaseResult tls = report.phase(ProbePhase.TLS);
            assertThat(tls.kind()).isEqualTo(FailureKind.TLS_PROTOCOL_ERROR);
            assertThat(tls.summary()).contains("plain text", "speaks HTTP, not HTTPS");
            assertThat(tls.fix()).startsWith("use http:// for port " + server.port());
        }
    }

    @Test
    void handshakeThatNeverCompletesIsNamedAsSuchAfterTheTimeout() {
        Duration timeout = Duration.ofMillis(1500);
        try (FaultyUpstream server = FaultyUpstream.start(Fault.tlsHandshakeNeverCompletes())) {
            ProbeReport report = UpstreamProbe.builder(server.httpsBaseUri()).responseTimeout(timeout).build().run();

            PhaseResult connect = report.phase(ProbePhase.CONNECT);
            assertThat(connect.verdict()).isEqualTo(Verdict.OK);
            PhaseResult tls = report.phase(ProbePhase.TLS);
            assertThat(tls.verdict()).isEqualTo(Verdict.FAILED);
            assertThat(tls.summary()).startsWith("TCP connected but the TLS handshake never completed");
            assertThat(tls.errorType()).isEqualTo("connection_timeout");
            assertNear("TLS handshake never completes", tls.elapsed().toMillis(), timeout);
        }
    }
}
