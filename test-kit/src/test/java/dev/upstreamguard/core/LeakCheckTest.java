package dev.upstreamguard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.test.junit.LeakCheck;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.junit.jupiter.api.Test;

/** The leak check itself must fail a test that keeps a pooled connection leased. */
class LeakCheckTest {

    @Test
    void failsWhenAResponseIsLeftOpen() throws Exception {
        LeakCheck check = new LeakCheck((Upstream u) -> u.connectionPoolStats().getLeased());
        FaultyUpstream server = check.track(FaultyUpstream.start(Fault.ok("x")));
        Upstream upstream = check.checked(Upstream.builder("leaky").baseUri(server.baseUri()).build());
        // Bypass the guard's buffering: a raw pool lease held by an unclosed stream.
        upstream.connectionPoolStats();
        org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager pool =
                org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder.create().build();
        try (var raw = org.apache.hc.client5.http.impl.classic.HttpClients.custom().setConnectionManager(pool).build()) {
            ClassicHttpResponse open = raw.executeOpen(null, new HttpGet(server.baseUri() + "/"), null);
            assertThat(pool.getTotalStats().getLeased()).isEqualTo(1);
            LeakCheck rawCheck = new LeakCheck((org.apache.hc.client5.http.impl.classic.CloseableHttpClient c) ->
                    pool.getTotalStats().getLeased());
            rawCheck.checked(raw);
            assertThatThrownBy(() -> rawCheck.afterEach(null)).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("1 pooled connection(s) still leased");
            open.close();
        }
        check.afterEach(null);
        assertThat(upstream.connectionPoolStats().getLeased()).isZero();
    }
}
