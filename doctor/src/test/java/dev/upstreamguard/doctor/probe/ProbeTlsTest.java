package dev.upstreamguard.doctor.probe;

import static dev.upstreamguard.doctor.testing.Measured.assertNear;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.doctor.Hop;
import dev.upstreamguard.doctor.Verdict;
import dev.upstreamguard.doctor.testing.HttpFaults;
import dev.upstreamguard.doctor.testing.RawServer;
import dev.upstreamguard.doctor.testing.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS outcomes against JDK TLS listeners with certificates made by keytool in the test. */
class ProbeTlsTest {
    @TempDir
    static Path dir;
    static TestCertificates good;
    static TestCertificates expired;
    static TestCertificates wrongHost;

    @BeforeAll
    static void certificates() throws Exception {
        var g = TestCertificates.generate(dir, "good", "ip:127.0.0.1", null, 30);
        var e = TestCertificates.generate(dir, "expired", "ip:127.0.0.1", "-10d", 5);
        var w = TestCertificates.generate(dir, "wronghost", "dns:wrong.example", null, 30);
        good = g.await();
        expired = e.await();
        wrongHost = w.await();
    }

    /** A TLS server answering 200 to every request on a connection (keep-alive). */
    private static RawServer https(TestCertificates cert) throws Exception {
        SSLServerSocket listener = cert.listener();
        return RawServer.start(listener, s -> {
            SSLSocket tls = (SSLSocket) s;
            tls.startHandshake();
            while (RawServer.readRequestHead(tls.getInputStream()) != null) {
                RawServer.write(tls, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecure");
            }
        });
    }

    private static UpstreamProbe.Builder probe(RawServer server) {
        return UpstreamProbe.builder(server.url("https") + "/").idlePeriods(List.of())
                .responseTimeout(Duration.ofSeconds(5));
    }

    @Test
    void trustedCertificateReportsProtocolCipherAlpnChainAndExpiry() throws Exception {
        try (RawServer server = https(good)) {
            ProbeReport report = probe(server).sslContext(good.trustingIt()).build().run();

            assertThat(report.verdict()).isEqualTo(Verdict.OK);
            Map<String, Object> tls = report.phase(ProbePhase.TLS).facts();
            assertThat(tls.get("protocol")).isEqualTo("TLSv1.3");
            assertThat((String) tls.get("cipher")).startsWith("TLS_");
            assertThat(tls).containsEntry("hostnameCheck", "passed").containsEntry("sni", null);
            assertThat(((Number) tls.get("daysToExpiry")).longValue()).isBetween(28L, 30L);
            assertThat(tls.get("chain").toString()).contains("subject=CN=good", "issuer=CN=good");
            assertThat(report.phase(ProbePhase.TRANSFER).facts()).containsEntry("bytes", 6L);
        }
    }

    @Test
    void idleCloseOverTlsIsMeasuredToo() throws Exception {
        Duration truth = Duration.ofSeconds(1);
        SSLServerSocket listener = good.listener();
        try (RawServer server = RawServer.start(listener, s -> {
            ((SSLSocket) s).startHandshake();
            HttpFaults.keepAlive(truth, false, "").handle(s);
        })) {
            ProbeReport report = UpstreamProbe.builder(server.url("https")).sslContext(good.trustingIt())
                    .idlePeriods(List.of(Duration.ofMillis(2500))).poolIdleTimeout(null).build().run();

            PhaseResult keepAlive = report.phase(ProbePhase.KEEP_ALIVE);
            assertThat(keepAlive.facts()).containsEntry("closedBy", "FIN");
            assertNear("idle close over TLS at 1 s", ((Number) keepAlive.facts().get("closedAfterMs")).longValue(),
                    truth);
        }
    }

    @Test
    void handshakeRefusedWithAnAlertNamesTheAlert() throws Exception {
        SSLServerSocket listener = good.listener();
        // Only an RSA-authenticated suite with an EC key: the server answers the ClientHello with an alert.
        listener.setEnabledProtocols(new String[] {"TLSv1.2"});
        listener.setEnabledCipherSuites(new String[] {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"});
        try (RawServer server = RawServer.start(listener, s -> ((SSLSocket) s).startHandshake())) {
            ProbeReport report = probe(server).sslContext(good.trustingIt()).build().run();

            PhaseResult tls = report.phase(ProbePhase.TLS);
            assertThat(tls.kind()).isEqualTo(FailureKind.TLS_ALERT_RECEIVED);
            assertThat(tls.facts()).containsEntry("alert", "handshake_failure");
        }
    }

    @Test
    void selfSignedCertificateIsACertificateErrorNamedSelfSigned() throws Exception {
        try (RawServer server = https(good)) {
            ProbeReport report = probe(server).build().run(); // the JVM's trust store does not know it

            PhaseResult tls = report.problem().orElseThrow();
            assertThat(tls.phase()).isEqualTo(ProbePhase.TLS);
            assertThat(tls.kind()).isEqualTo(FailureKind.TLS_CERTIFICATE_ERROR);
            assertThat(tls.summary()).isEqualTo("the certificate is self-signed and not trusted");
            assertThat(tls.hop()).isEqualTo(Hop.UPSTREAM);
            assertThat(tls.facts().get("chain").toString()).contains("CN=good");
            assertThat(report.phase(ProbePhase.PROCESSING).skipped()).isTrue();
        }
    }

    @Test
    void expiredCertificateIsACertificateErrorWithNegativeDaysToExpiry() throws Exception {
        try (RawServer server = https(expired)) {
            ProbeReport report = probe(server).sslContext(expired.trustingIt()).build().run();

            PhaseResult tls = report.phase(ProbePhase.TLS);
            assertThat(tls.errorType()).isEqualTo("tls_certificate_error");
            assertThat(tls.summary()).startsWith("the certificate expired on ");
            assertThat(((Number) tls.facts().get("daysToExpiry")).longValue()).isBetween(-6L, -4L);
            assertThat(tls.fix()).isEqualTo("renew the upstream's certificate.");
        }
    }

    @Test
    void expiredAndUntrustedCertificateIsReportedAsExpired() throws Exception {
        try (RawServer server = https(expired)) {
            ProbeReport report = probe(server).build().run();

            PhaseResult tls = report.phase(ProbePhase.TLS);
            assertThat(tls.errorType()).isEqualTo("tls_certificate_error");
            assertThat(tls.summary()).startsWith("the certificate expired on ");
        }
    }

    @Test
    void certificateForAnotherHostFailsTheHostNameCheck() throws Exception {
        try (RawServer server = https(wrongHost)) {
            ProbeReport report = probe(server).sslContext(wrongHost.trustingIt()).build().run();

            PhaseResult tls = report.phase(ProbePhase.TLS);
            assertThat(tls.errorType()).isEqualTo("tls_certificate_error");
            assertThat(tls.summary()).isEqualTo("the certificate is not for 127.0.0.1 (it names wrong.example)");
            assertThat(tls.facts()).containsEntry("hostnameCheck", "failed");
        }
    }

    @Test
    void plainHttpServerOnAnHttpsUrlIsNamedAsSuch() throws Exception {
        try (RawServer server = RawServer.start(s -> {
            s.getInputStream().read(new byte[512]); // the ClientHello
            RawServer.write(s, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        })) {
            ProbeReport report = probe(server).build().run();

            PhaseResult tls = report.phase(ProbePhase.TLS);
            assertThat(tls.kind()).isEqualTo(FailureKind.TLS_PROTOCOL_ERROR);
            assertThat(tls.summary()).contains("plain text", "speaks HTTP, not HTTPS");
            assertThat(tls.fix()).startsWith("use http:// for port " + server.port());
        }
    }

    @Test
    void handshakeThatNeverCompletesIsNamedAsSuchAfterTheTimeout() throws Exception {
        Duration timeout = Duration.ofMillis(1500);
        try (RawServer server = RawServer.start(HttpFaults.silent())) {
            ProbeReport report = UpstreamProbe.builder(server.url("https")).responseTimeout(timeout).build().run();

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
