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
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.junit.jupiter.api.Test;

/**
 * A listener that never accepts and whose accept queue is full drops new SYNs on Linux, so a connect on loopback
 * times out exactly like one to a host behind a silent firewall.
 */
class ConnectTimeoutTest {

    @Test
    void fullAcceptQueueIsConnectionTimeoutRetriedForAnyMethod() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        List<Socket> fillers = new ArrayList<>();
        try (ServerSocket listener = new ServerSocket(0, 1, loopback)) {
            for (int i = 0; i < 8; i++) {
                Socket s = new Socket();
                try {
                    s.connect(new InetSocketAddress(loopback, listener.getLocalPort()), 100);
                    fillers.add(s);
                } catch (java.net.SocketTimeoutException queueFull) {
                    s.close();
                    break;
                }
            }
            try (Upstream upstream = upstream("http://127.0.0.1:" + listener.getLocalPort(), policy().build())) {
                UpstreamException e = failure(upstream, ClassicRequestBuilder.post("/orders").build());
                FaultTestSupport.report("fullAcceptQueueIsConnectionTimeout", e, REQUEST_TIMEOUT);
                assertThat(e.kind()).isEqualTo(FailureKind.CONNECTION_TIMEOUT);
                assertThat(e.status()).isEqualTo(504);
                assertThat(e.requestSent()).isEqualTo(RequestSent.NO);
                assertThat(e.attempts()).isEqualTo(3);
                assertThat(e.elapsed()).isLessThanOrEqualTo(REQUEST_TIMEOUT.plus(SLACK));
                assertThat(upstream.connectionPoolStats().getLeased()).isZero();
            }
        } finally {
            for (Socket s : fillers) {
                s.close();
            }
        }
    }
}
