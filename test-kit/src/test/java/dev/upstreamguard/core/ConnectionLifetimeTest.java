package dev.upstreamguard.core;

import static dev.upstreamguard.core.FaultTestSupport.policy;
import static dev.upstreamguard.core.FaultTestSupport.upstream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.test.junit.LeakCheck;
import java.time.Duration;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A busy pooled connection is replaced once it is older than maxConnectionLifetime (so DNS changes reach it). */
class ConnectionLifetimeTest {
    @RegisterExtension
    final LeakCheck resources = new LeakCheck((Upstream u) -> u.connectionPoolStats().getLeased());

    @Test
    void busyConnectionIsReplacedAfterItsLifetime() throws Exception {
        FaultyUpstream server = resources.track(FaultyUpstream.start(Fault.ok("x")));
        Upstream upstream = resources.track(upstream(server.baseUri(),
                policy().maxConnectionLifetime(Duration.ofMillis(300)).build()));
        // Back-to-back calls: the connection never idles, so only its lifetime can retire it.
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1)).until(() -> {
            upstream.execute(ClassicRequestBuilder.get("/").build());
            return server.connectionsAccepted() >= 2;
        });
        assertThat(upstream.connectionPoolStats().getLeased()).isZero();
    }

    @Test
    void busyConnectionIsKeptWithinItsLifetime() throws Exception {
        FaultyUpstream server = resources.track(FaultyUpstream.start(Fault.ok("x")));
        Upstream upstream = resources.track(upstream(server.baseUri(), policy().build()));
        for (int i = 0; i < 20; i++) {
            upstream.execute(ClassicRequestBuilder.get("/").build());
        }
        assertThat(server.connectionsAccepted()).isEqualTo(1);
    }

    @Test
    void lifetimeDefaultsToFiveMinutesAndMustBePositive() {
        assertThat(UpstreamPolicy.ofDefaults().maxConnectionLifetime()).isEqualTo(Duration.ofMinutes(5));
        assertThat(UpstreamPolicy.from(UpstreamPolicy.builder().maxConnectionLifetime(Duration.ofSeconds(42)).build())
                .build().maxConnectionLifetime()).isEqualTo(Duration.ofSeconds(42));
        assertThatThrownBy(() -> UpstreamPolicy.builder().maxConnectionLifetime(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxConnectionLifetime must be > 0, but was PT0S");
    }
}
