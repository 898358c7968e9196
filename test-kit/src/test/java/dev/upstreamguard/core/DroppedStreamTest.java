package dev.upstreamguard.core;

import static dev.upstreamguard.core.StreamingSupport.policy;
import static dev.upstreamguard.core.StreamingSupport.readChecked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.test.junit.LeakCheck;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.time.Duration;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A streamed body dropped without close() does not keep its connection and bulkhead permit for ever: once the
 * collector finds it, both are released (a safety net; callers must close it).
 */
class DroppedStreamTest {
    private static final int BODY = 2 * 1024 * 1024;

    @RegisterExtension
    final LeakCheck resources = new LeakCheck((Upstream u) -> u.connectionPoolStats().getLeased());

    @Test
    void bodyDroppedUnclosedIsReleasedOnceCollectedAndItsPermitReturns() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        FaultyUpstream server = resources.track(FaultyUpstream.start(Fault.streamedBody(BODY)));
        Upstream upstream = resources.checked(Upstream.builder("files").baseUri(server.baseUri())
                .policy(policy().maxConcurrentCalls(1).build()).meterRegistry(registry).build());

        readSomeAndDrop(upstream);
        assertThat(upstream.connectionPoolStats().getLeased()).as("held until collected").isEqualTo(1);

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            System.gc();
            return upstream.connectionPoolStats().getLeased() == 0;
        });
        assertThat(registry.get("upstream.guard.stream.bytes").tag("outcome", "abandoned").summary().totalAmount())
                .isEqualTo(1000);
        try (StreamedResponse again = upstream.stream(ClassicRequestBuilder.get("/").build())) {
            assertThat(readChecked(again.body())).as("the bulkhead's only permit came back").isEqualTo(BODY);
        }
        assertThat(server.connectionsAccepted()).as("the dropped connection was closed, not reused").isEqualTo(2);
    }

    @Test
    void bodyStillReferencedIsNotReleasedWhenOnlyItsResponseIsDropped() throws Exception {
        FaultyUpstream server = resources.track(FaultyUpstream.start(Fault.streamedBody(BODY)));
        Upstream upstream = resources.checked(FaultTestSupport.upstream(server.baseUri(), policy().build()));
        InputStream body = upstream.stream(ClassicRequestBuilder.get("/").build()).body();
        long first = readChecked(body, 1000);

        WeakReference<Object> collected = new WeakReference<>(new Object());
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            System.gc();
            return collected.get() == null;
        });

        try (body) {
            assertThat(first + body.transferTo(OutputStream.nullOutputStream())).isEqualTo(BODY);
        }
        assertThat(upstream.connectionPoolStats().getLeased()).isZero();
    }

    private static void readSomeAndDrop(Upstream upstream) throws Exception {
        StreamedResponse dropped = upstream.stream(ClassicRequestBuilder.get("/").build());
        assertThat(readChecked(dropped.body(), 1000)).isEqualTo(1000);
    }
}
