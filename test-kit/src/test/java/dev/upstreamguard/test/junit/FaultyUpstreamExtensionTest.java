package dev.upstreamguard.test.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import java.net.ConnectException;
import java.net.Socket;
import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.UpstreamPolicy;
import java.time.Duration;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension's lifecycle, driven through its callbacks (they do not use the context), and in real use. */
class FaultyUpstreamExtensionTest {
    @RegisterExtension
    final FaultyUpstreamExtension registered = new FaultyUpstreamExtension(Fault.ok("registered"));

    @Test
    void registeredOnAFieldItServesDuringTheTest() throws Exception {
        Upstream u = registered.watch(Upstream.builder("u").baseUri(registered.baseUri()).build());

        assertThat(u.execute(ClassicRequestBuilder.get("/").build()).bodyAsString()).isEqualTo("registered");
    }

    @Test
    void perTestStartsBeforeEachAndClosesAfterEach() throws Exception {
        FaultyUpstreamExtension ext = new FaultyUpstreamExtension();
        assertThatThrownBy(ext::upstream).isInstanceOf(IllegalStateException.class);

        ext.beforeEach(null);
        int port = ext.upstream().port();
        ext.afterEach(null);

        assertThatThrownBy(ext::upstream).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
    }

    @Test
    void perClassKeepsOneServerAndResetsItsFaultBeforeEachTest() throws Exception {
        FaultyUpstreamExtension ext = new FaultyUpstreamExtension(Fault.ok("initial"));
        ext.beforeAll(null);
        ext.beforeEach(null);
        FaultyUpstream first = ext.upstream();
        first.respond(Fault.status(500, "changed"));
        ext.afterEach(null);

        ext.beforeEach(null);
        try (Upstream u = Upstream.builder("u").baseUri(ext.baseUri()).build()) {
            assertThat(ext.upstream()).isSameAs(first);
            assertThat(u.execute(ClassicRequestBuilder.get("/").build()).bodyAsString()).isEqualTo("initial");
        }
        ext.afterEach(null);
        ext.afterAll(null);

        assertThatThrownBy(() -> new Socket("127.0.0.1", first.port()).close()).isInstanceOf(ConnectException.class);
    }

    @Test
    void aConnectionStillLeasedAfterTheTestFailsItAndEverythingIsClosedAnyway() throws Exception {
        FaultyUpstreamExtension ext = new FaultyUpstreamExtension(Fault.blackhole());
        ext.beforeEach(null);
        Upstream u = ext.watch(Upstream.builder("leaky").baseUri(ext.baseUri()).policy(UpstreamPolicy.builder()
                .requestTimeout(Duration.ofSeconds(20)).attemptTimeout(Duration.ofSeconds(10)).build()).build());
        FaultyUpstream other = ext.track(FaultyUpstream.start());
        Thread call = new Thread(() -> {
            try {
                u.execute(ClassicRequestBuilder.get("/").build());
            } catch (UpstreamException expected) {
                // aborted when the extension closes the upstream
            }
        });
        call.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> u.connectionPoolStats().getLeased() == 1);

        assertThatThrownBy(() -> ext.afterEach(null)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("leaky (1 leased)");
        assertThatThrownBy(() -> new Socket("127.0.0.1", other.port()).close()).isInstanceOf(ConnectException.class);
        call.join(5000);
        assertThat(call.isAlive()).isFalse();
    }
}
