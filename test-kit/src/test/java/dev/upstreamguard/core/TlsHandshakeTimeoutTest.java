package dev.upstreamguard.core;

import static dev.upstreamguard.core.FaultTestSupport.REQUEST_TIMEOUT;
import static dev.upstreamguard.core.FaultTestSupport.SLACK;
import static dev.upstreamguard.core.FaultTestSupport.failure;
import static dev.upstreamguard.core.FaultTestSupport.policy;
import static dev.upstreamguard.core.FaultTestSupport.upstream;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.core.classify.RequestSent;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.junit.jupiter.api.Test;

/**
 * A middlebox that accepts TCP and swallows the TLS handshake: the failure names the TLS handshake, not the TCP
 * connect, although HttpClient reports both as a {@code ConnectTimeoutException}.
 */
class TlsHandshakeTimeoutTest {

    @Test
    void swallowedHandshakeReadsTlsHandshakeTimedOutNotConnectTimedOut() throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (!listener.isClosed()) {
                        accepted.add(listener.accept());
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            }, "swallowing-acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
            try (Upstream upstream = upstream("https://127.0.0.1:" + listener.getLocalPort(), policy().build())) {
                UpstreamException e = failure(upstream, ClassicRequestBuilder.get("/").build());
                FaultTestSupport.report("swallowedTlsHandshake", e, REQUEST_TIMEOUT);
                assertThat(e.kind()).isEqualTo(FailureKind.CONNECTION_TIMEOUT);
                assertThat(e.status()).isEqualTo(504);
                assertThat(e.details()).startsWith("TLS handshake timed out (TCP connected)");
                assertThat(e.proxyStatus("upstream-guard")).contains("TLS handshake timed out");
                assertThat(e.requestSent()).isEqualTo(RequestSent.NO);
                assertThat(e.elapsed()).isLessThanOrEqualTo(REQUEST_TIMEOUT.plus(SLACK));
                assertThat(accepted).as("TCP connections the middlebox accepted").isNotEmpty();
                FaultTestSupport.assertNoLeakedConnection(upstream);
            }
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void silentTcpConnectStillReadsConnectTimedOut() throws Exception {
        // A listener with a full accept queue drops SYNs (ConnectTimeoutTest): no TCP connection, no TLS.
        InetAddress loopback = InetAddress.getLoopbackAddress();
        List<Socket> fillers = new CopyOnWriteArrayList<>();
        try (ServerSocket listener = new ServerSocket(0, 1, loopback)) {
            for (int i = 0; i < 8; i++) {
                Socket s = new Socket();
                try {
                    s.connect(new java.net.InetSocketAddress(loopback, listener.getLocalPort()), 100);
                    fillers.add(s);
                } catch (java.net.SocketTimeoutException queueFull) {
                    s.close();
                    break;
                }
            }
            try (Upstream upstream = upstream("https://127.0.0.1:" + listener.getLocalPort(), policy().build())) {
                UpstreamException e = failure(upstream, ClassicRequestBuilder.get("/").build());
                assertThat(e.kind()).isEqualTo(FailureKind.CONNECTION_TIMEOUT);
                assertThat(e.details()).startsWith("connect timed out");
            }
        } finally {
            for (Socket s : fillers) {
                s.close();
            }
        }
    }
}
