package dev.upstreamguard.core;

import static dev.upstreamguard.core.FaultTestSupport.REQUEST_TIMEOUT;
import static dev.upstreamguard.core.FaultTestSupport.SLACK;
import static dev.upstreamguard.core.FaultTestSupport.failure;
import static dev.upstreamguard.core.FaultTestSupport.policy;
import static dev.upstreamguard.core.FaultTestSupport.upstream;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.core.classify.RequestSent;
import dev.upstreamguard.test.FullAcceptQueue;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.junit.jupiter.api.Test;

/**
 * A listener that never accepts and whose accept queue is full drops new SYNs on Linux, so a connect on loopback
 * times out exactly like one to a host behind a silent firewall.
 */
class ConnectTimeoutTest {

    @Test
    void fullAcceptQueueIsConnectionTimeoutRetriedForAnyMethod() throws Exception {
        try (FullAcceptQueue full = FullAcceptQueue.start();
                Upstream upstream = upstream(full.baseUri(), policy().build())) {
            UpstreamException e = failure(upstream, ClassicRequestBuilder.post("/orders").build());
            FaultTestSupport.report("fullAcceptQueueIsConnectionTimeout", e, REQUEST_TIMEOUT);
            assertThat(e.kind()).isEqualTo(FailureKind.CONNECTION_TIMEOUT);
            assertThat(e.status()).isEqualTo(504);
            assertThat(e.requestSent()).isEqualTo(RequestSent.NO);
            assertThat(e.attempts()).isEqualTo(3);
            assertThat(e.elapsed()).isLessThanOrEqualTo(REQUEST_TIMEOUT.plus(SLACK));
            assertThat(upstream.connectionPoolStats().getLeased()).isZero();
        }
    }
}
