package dev.upstreamguard.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upstreamguard.benchmarks.support.BlackholeServer;
import dev.upstreamguard.benchmarks.support.Clients;
import dev.upstreamguard.benchmarks.support.GuardedApp;
import dev.upstreamguard.benchmarks.support.LoadGenerator;
import dev.upstreamguard.benchmarks.support.LoopbackUpstream;
import dev.upstreamguard.benchmarks.support.Samples;
import dev.upstreamguard.benchmarks.support.StubTransport;
import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.core.deadline.Deadline;
import dev.upstreamguard.core.deadline.RequestContext;
import dev.upstreamguard.core.internal.GuardClientFactory;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.junit.jupiter.api.Test;

/** Quick checks that every harness still measures what it says (seconds, not a benchmark run). */
class HarnessSanityTest {

    @Test
    void everyClientVariantGetsTheBody() throws Exception {
        try (LoopbackUpstream server = LoopbackUpstream.healthy()) {
            for (String variant : JmhSuites.CLIENTS) {
                try (Clients.Client c = Clients.create(variant, server.baseUri(), 4)) {
                    assertThat(new String(c.get(), StandardCharsets.US_ASCII)).as(variant).isEqualTo("ok");
                }
            }
            assertThat(server.requests()).isEqualTo(JmhSuites.CLIENTS.size());
        }
    }

    @Test
    void stubTransportRunsThePolicyAndTheOpenBreakerRejects() throws Exception {
        ScheduledExecutorService scheduler = GuardClientFactory.newScheduler("test");
        try {
            StubTransport transport = new StubTransport();
            StubTransport.Guard guard = StubTransport.guard("t", UpstreamPolicy.ofDefaults(), null, scheduler);
            for (int i = 0; i < 3; i++) {
                ClassicHttpRequest request = transport.request();
                assertThat(transport.consume(guard.handler().execute(request, transport.scope(request), transport)))
                        .isEqualTo(2);
            }
            guard.breaker().transitionToOpenState();
            ClassicHttpRequest request = transport.request();
            assertThatThrownBy(() -> guard.handler().execute(request, transport.scope(request), transport))
                    .isInstanceOfSatisfying(UpstreamException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.CIRCUIT_OPEN));
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void streamedCallsInFlightHoldLessHeapThanTheirBodyWhileBufferedCallsHoldAllOfIt() throws Exception {
        long body = 4 * StreamingHeapBenchmark.MIB;
        double streamed = StreamingHeapBenchmark.heapPerCall(StreamingHeapBenchmark.Reading.STREAMED, 4, body);
        double buffered = StreamingHeapBenchmark.heapPerCall(StreamingHeapBenchmark.Reading.BUFFERED, 4, body);
        assertThat(streamed).isPositive().isLessThan(body / 4.0);
        assertThat(buffered).isGreaterThan(body);
    }

    @Test
    void loadGeneratorDrivesTheAppWithAndWithoutTheFilter() throws Exception {
        try (GuardedApp app = new GuardedApp(); LoadGenerator load = new LoadGenerator(app.port(), 2)) {
            for (String path : List.of("/plain/x", "/guarded/x")) {
                LoadGenerator.Result r = load.run(path, "", 200);
                assertThat(r.requests()).as(path).isPositive();
                assertThat(r.errors() + r.non2xx()).as(path).isZero();
                assertThat(r.latencyMicros(50)).isPositive();
            }
            LoadGenerator.Result broken = load.run("/broken/x", "Accept: application/problem+json\r\n", 200);
            assertThat(broken.requests()).isPositive();
            assertThat(broken.non2xx()).isEqualTo(broken.requests());
        }
    }

    @Test
    void aBlackholedCallEndsAtItsDeadline() throws Exception {
        try (BlackholeServer silent = new BlackholeServer();
             Upstream u = Upstream.builder("silent").baseUri(silent.baseUri())
                     .policy(UpstreamPolicy.builder().circuitBreakerEnabled(false).build()).build();
             RequestContext.Scope ignored = RequestContext.of(null, Deadline.after(Duration.ofMillis(200)), null)
                     .attach()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> u.execute(new HttpGet("/"))).isInstanceOfSatisfying(UpstreamException.class,
                    e -> assertThat(e.status()).isEqualTo(504));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(190),
                    Duration.ofMillis(450));
        }
    }

    @Test
    void percentilesAndMedians() {
        long[] v = {5, 1, 4, 2, 3};
        assertThat(Samples.percentile(v, 5, 50)).isEqualTo(3);
        assertThat(Samples.percentile(v, 5, 100)).isEqualTo(5);
        assertThat(Samples.median(List.of(1.0, 3.0, 2.0, 10.0))).isEqualTo(2.5);
        assertThat(Report.table(List.of("a", "b"), List.of(List.of("1", "2"))))
                .isEqualTo("| a | b |\n| --- | ---: |\n| 1 | 2 |\n");
    }

    @Test
    void everyJmhSuiteIsRegistered() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/META-INF/BenchmarkList")) {
            assertThat(in).isNotNull();
            String list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(list).contains("ClientOverheadBenchmark", "PolicyBenchmark", "PolicyScaleBenchmark",
                    "CorrelationIdBenchmark", "ErrorRenderBenchmark");
        }
    }

    @Test
    void aNewRunKeepsTheSeparateHarnessesSectionsOfTheEarlierFile() {
        String earlier = "# Benchmarks\n\n## 6. Scale\n\nold figures\n\n## 7. Streaming "
                + Report.SEPARATE_HARNESS + "\n\nstreamed\n\n## 8. Threads " + Report.SEPARATE_HARNESS + "\n\nvt\n";

        assertThat(Report.separateHarnessSections(earlier)).isEqualTo("## 7. Streaming " + Report.SEPARATE_HARNESS
                + "\n\nstreamed\n\n## 8. Threads " + Report.SEPARATE_HARNESS + "\n\nvt\n");
        assertThat(Report.separateHarnessSections("# Benchmarks\n\n## 6. Scale\n\nold\n")).isEmpty();
    }
}
