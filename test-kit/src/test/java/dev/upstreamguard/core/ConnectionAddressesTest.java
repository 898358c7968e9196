package dev.upstreamguard.core;

import static dev.upstreamguard.core.FaultTestSupport.policy;
import static dev.upstreamguard.core.FaultTestSupport.upstream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.upstreamguard.core.retry.RetryPolicy;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.test.junit.LeakCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An upstream shows which addresses its pool's connections go to, leased or idle, and forgets closed ones. */
class ConnectionAddressesTest {
    @RegisterExtension
    final LeakCheck resources = new LeakCheck((Upstream u) -> u.connectionPoolStats().getLeased());

    @Test
    void anIdleKeptAliveConnectionIsShownWithItsAddress() throws Exception {
        FaultyUpstream server = resources.track(FaultyUpstream.start(Fault.ok("x")));
        Upstream upstream = resources.track(upstream(server.baseUri(), policy().build()));
        assertThat(upstream.connectionAddresses()).isEmpty();

        for (int i = 0; i < 3; i++) {
            upstream.execute(ClassicRequestBuilder.get("/").build());
        }

        assertThat(upstream.connectionAddresses()).containsExactly(Map.entry("127.0.0.1:" + server.port(), 1));
    }

    @Test
    void leasedConnectionsAreCountedAndForgottenOnceTheAttemptDeadlineClosesThem() throws Exception {
        FaultyUpstream server = resources.track(FaultyUpstream.start(Fault.blackhole()));
        Upstream upstream = resources.track(upstream(server.baseUri(), policy()
                .attemptTimeout(Duration.ofSeconds(3)).requestTimeout(Duration.ofSeconds(4))
                .retry(RetryPolicy.none()).build()));
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                calls.add(callers.submit(() -> {
                    try {
                        return upstream.execute(ClassicRequestBuilder.get("/").build());
                    } catch (UpstreamException expected) {
                        return expected;
                    }
                }));
            }
            await().atMost(Duration.ofSeconds(2)).until(() -> server.connectionsAccepted() == 3);
            await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(upstream.connectionAddresses())
                    .containsExactly(Map.entry("127.0.0.1:" + server.port(), 3)));
            for (Future<?> call : calls) {
                assertThat(call.get()).isInstanceOf(UpstreamException.class);
            }
        } finally {
            callers.shutdownNow();
        }

        assertThat(upstream.connectionAddresses()).isEmpty();
    }

    @Test
    void closingTheUpstreamForgetsItsConnections() throws Exception {
        FaultyUpstream server = resources.track(FaultyUpstream.start(Fault.ok("x")));
        Upstream upstream = upstream(server.baseUri(), policy().build());
        upstream.execute(ClassicRequestBuilder.get("/").build());
        assertThat(upstream.connectionAddresses()).hasSize(1);

        upstream.close();

        assertThat(upstream.connectionAddresses()).isEmpty();
    }

    @Test
    void aConnectionReplacedAfterItsLifetimeIsNotCountedTwice() throws Exception {
        FaultyUpstream server = resources.track(FaultyUpstream.start(Fault.ok("x")));
        Upstream upstream = resources.track(upstream(server.baseUri(),
                policy().maxConnectionLifetime(Duration.ofMillis(200)).build()));
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1)).until(() -> {
            upstream.execute(ClassicRequestBuilder.get("/").build());
            return server.connectionsAccepted() >= 3;
        });

        assertThat(upstream.connectionAddresses()).containsExactly(Map.entry("127.0.0.1:" + server.port(), 1));
    }
}
