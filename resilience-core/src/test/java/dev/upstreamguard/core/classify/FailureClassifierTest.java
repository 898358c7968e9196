package dev.upstreamguard.core.classify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.BindException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLHandshakeException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.UnsupportedSchemeException;
import org.apache.hc.client5.http.impl.classic.RequestFailedException;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.junit.jupiter.api.Test;

/** Rules whose signals cannot be produced on loopback (no route, pool exhaustion, bugs), checked on the types. */
class FailureClassifierTest {

    @Test
    void noRouteToHostIsUnroutable() {
        assertThat(FailureClassifier.classify(new NoRouteToHostException("No route to host"), false).kind())
                .isEqualTo(FailureKind.DESTINATION_IP_UNROUTABLE);
    }

    @Test
    void permissionDeniedOnConnectIsDestinationProhibited() {
        // What the JDK throws for EACCES on connect: a `prohibit` route, an ICMPv6 administratively-prohibited reply.
        Classification c = FailureClassifier.classify(new BindException("Permission denied"), false);
        assertThat(c.kind()).isEqualTo(FailureKind.DESTINATION_IP_PROHIBITED);
        assertThat(c.kind().errorType()).isEqualTo("destination_ip_prohibited");
        assertThat(c.kind().defaultStatus()).isEqualTo(502);
        assertThat(c.kind().requestSent()).isEqualTo(RequestSent.NO);
    }

    @Test
    void otherBindFailuresAreNotDestinationProhibited() {
        assertThat(FailureClassifier.classify(new BindException("Address already in use"), false).kind())
                .isNotEqualTo(FailureKind.DESTINATION_IP_PROHIBITED);
    }

    @Test
    void networkUnreachableIsUnroutableNotATerminatedConnection() {
        // ENETUNREACH: ICMP net-unreachable or net-prohibited, a `throw` route; a plain SocketException.
        Classification c = FailureClassifier.classify(new SocketException("Network is unreachable"), false);
        assertThat(c.kind()).isEqualTo(FailureKind.DESTINATION_IP_UNROUTABLE);
        assertThat(c.details()).isEqualTo("network unreachable");
    }

    @Test
    void handshakeReadTimeoutInsideConnectIsNamedTlsHandshake() {
        Classification tls = FailureClassifier.classify(
                new ConnectTimeoutException("Connect to https://127.0.0.1:8443 failed: Read timed out"), false);
        Classification tcp = FailureClassifier.classify(
                new ConnectTimeoutException("Connect to https://127.0.0.1:8443 [/127.0.0.1] failed: Connect timed out"),
                false);
        assertThat(tls.kind()).isEqualTo(FailureKind.CONNECTION_TIMEOUT);
        assertThat(tls.details()).isEqualTo("TLS handshake timed out (TCP connected)");
        assertThat(tcp.kind()).isEqualTo(FailureKind.CONNECTION_TIMEOUT);
        assertThat(tcp.details()).isEqualTo("connect timed out");
    }

    @Test
    void poolLeaseTimeoutIsConnectionLimitReached() {
        assertThat(FailureClassifier.classify(new ConnectionRequestTimeoutException("Timeout deadline"), false).kind())
                .isEqualTo(FailureKind.CONNECTION_LIMIT_REACHED);
    }

    @Test
    void unsupportedSchemeIsConfigurationError() {
        Classification c = FailureClassifier.classify(new UnsupportedSchemeException("ftp"), false);
        assertThat(c.kind()).isEqualTo(FailureKind.CONFIGURATION_ERROR);
        assertThat(c.kind().defaultStatus()).isEqualTo(500);
    }

    @Test
    void runtimeExceptionIsInternalError() {
        assertThat(FailureClassifier.classify(new IllegalStateException("bug"), false).kind())
                .isEqualTo(FailureKind.INTERNAL_ERROR);
    }

    @Test
    void wrappedCauseIsFoundThroughTheChain() {
        IOException wrapped = new RequestFailedException("Request execution failed",
                new SSLHandshakeException("PKIX path building failed"));
        wrapped.getCause().initCause(new CertificateException("untrusted"));
        assertThat(FailureClassifier.classify(wrapped, false).kind()).isEqualTo(FailureKind.TLS_CERTIFICATE_ERROR);
    }

    @Test
    void readTimeoutAfterHeadersIsStillResponseTimeout() {
        Classification c = FailureClassifier.classify(new SocketTimeoutException("Read timed out"), true);
        assertThat(c.kind()).isEqualTo(FailureKind.HTTP_RESPONSE_TIMEOUT);
        assertThat(c.details()).isEqualTo("response body not complete in time");
    }

    @Test
    void noResponseAfterNonHttpBytesIsProtocolError() {
        NoHttpResponseException e = new NoHttpResponseException("failed to respond");
        assertThat(FailureClassifier.classify(e, false, true).kind()).isEqualTo(FailureKind.HTTP_PROTOCOL_ERROR);
        assertThat(FailureClassifier.classify(e, false, false).kind()).isEqualTo(FailureKind.CONNECTION_TERMINATED);
    }

    @Test
    void manyUnparseableLinesAreProtocolErrorNotHeaderSize() {
        assertThat(FailureClassifier.classify(
                new org.apache.hc.core5.http.MessageConstraintException("Maximum empty line limit exceeded"), false)
                .kind()).isEqualTo(FailureKind.HTTP_PROTOCOL_ERROR);
    }

    @Test
    void detailsNeverCarryTheExceptionMessage() {
        Classification c = FailureClassifier.classify(
                new IOException("connect to internal-db-7.corp:5432 [10.1.2.3] failed"), false);
        assertThat(c.details()).doesNotContain("corp").doesNotContain("10.1.2.3");
    }
}
