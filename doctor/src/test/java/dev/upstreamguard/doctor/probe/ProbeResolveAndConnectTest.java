package dev.upstreamguard.doctor.probe;

import static dev.upstreamguard.doctor.testing.Measured.assertNear;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.doctor.Hop;
import dev.upstreamguard.doctor.Verdict;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.test.FullAcceptQueue;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProbeResolveAndConnectTest {

    @Test
    void refusedPortIsConnectionRefusedAtTheUpstream() {
        int port = FaultyUpstream.refusedPort();
        ProbeReport report = UpstreamProbe.builder("http://127.0.0.1:" + port + "/").build().run();

        assertThat(report.verdict()).isEqualTo(Verdict.FAILED);
        PhaseResult connect = report.problem().orElseThrow();
        assertThat(connect.phase()).isEqualTo(ProbePhase.CONNECT);
        assertThat(connect.kind()).isEqualTo(FailureKind.CONNECTION_REFUSED);
        assertThat(connect.errorType()).isEqualTo("connection_refused");
        assertThat(connect.hop()).isEqualTo(Hop.UPSTREAM);
        assertThat(connect.fix()).contains("nothing listens on 127.0.0.1 port " + port);
        assertThat(report.phase(ProbePhase.TLS).skipped()).isTrue();
        assertThat(report.phase(ProbePhase.PROCESSING).skipped()).isTrue();
    }

    @Test
    void fullAcceptQueueIsConnectionTimeoutAfterTheConnectTimeout() {
        try (FullAcceptQueue overloaded = FullAcceptQueue.start()) {
            Duration connectTimeout = Duration.ofMillis(1500);
            ProbeReport report = UpstreamProbe.builder(overloaded.baseUri()).connectTimeout(connectTimeout).build()
                    .run();

            PhaseResult connect = report.phase(ProbePhase.CONNECT);
            assertThat(connect.verdict()).isEqualTo(Verdict.FAILED);
            assertThat(connect.errorType()).isEqualTo("connection_timeout");
            assertThat(connect.summary()).contains("127.0.0.1 timed out");
            assertNear("connect timeout (full accept queue)", firstAddressMillis(connect), connectTimeout);
        }
    }

    @Test
    void unknownHostIsDnsErrorAndNamesTheHost() {
        ProbeReport report = UpstreamProbe.builder("http://no-such-service.test:8080/")
                .resolver(host -> {
                    throw new UnknownHostException(host + ": Name or service not known");
                }).build().run();

        PhaseResult resolve = report.problem().orElseThrow();
        assertThat(resolve.phase()).isEqualTo(ProbePhase.RESOLVE);
        assertThat(resolve.errorType()).isEqualTo("dns_error");
        assertThat(resolve.summary()).isEqualTo("no-such-service.test is an unknown host");
        assertThat(resolve.facts()).containsEntry("lookup", "unknown host");
        assertThat(report.phase(ProbePhase.CONNECT).skipped()).isTrue();
    }

    @Test
    void lookupThatHangsIsALookupTimeoutNotAnUnknownHost() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Duration lookupTimeout = Duration.ofMillis(800);
        try {
            ProbeReport report = UpstreamProbe.builder("http://slow-dns.test/").lookupTimeout(lookupTimeout)
                    .resolver(host -> {
                        try {
                            release.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        throw new UnknownHostException(host);
                    }).build().run();

            PhaseResult resolve = report.phase(ProbePhase.RESOLVE);
            assertThat(resolve.errorType()).isEqualTo("dns_error");
            assertThat(resolve.facts()).containsEntry("lookup", "timed out");
            assertThat(resolve.hop()).isEqualTo(Hop.WEB_APPLICATION);
            assertNear("lookup timeout", resolve.elapsed().toMillis(), lookupTimeout);
        } finally {
            release.countDown();
        }
    }

    @Test
    void temporaryResolverFailureIsToldApartFromUnknownHost() {
        ProbeReport report = UpstreamProbe.builder("http://flaky-dns.test/").resolver(host -> {
            throw new UnknownHostException(host + ": Temporary failure in name resolution");
        }).build().run();

        assertThat(report.phase(ProbePhase.RESOLVE).facts()).containsEntry("lookup", "temporary failure");
    }

    @Test
    void everyResolvedAddressIsTriedAndOneDeadAddressDegrades() throws Exception {
        try (FaultyUpstream server = FaultyUpstream.start(Fault.status(200, "ok", "Connection", "close"))) {
            // 127.0.0.1 listens; 127.0.0.2 (also loopback) has nothing on that port.
            ProbeReport report = UpstreamProbe.builder("http://two-addresses.test:" + server.port() + "/")
                    .resolver(host -> List.of(InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.1")))
                    .build().run();

            assertThat(report.phase(ProbePhase.RESOLVE).facts().get("addresses"))
                    .isEqualTo(List.of("127.0.0.2", "127.0.0.1"));
            PhaseResult connect = report.phase(ProbePhase.CONNECT);
            assertThat(connect.verdict()).isEqualTo(Verdict.DEGRADED);
            assertThat(connect.errorType()).isEqualTo("connection_refused");
            assertThat(connect.fix()).startsWith("clients that pick 127.0.0.2 fail");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> tried = (List<Map<String, Object>>) connect.facts().get("addresses");
            assertThat(tried).extracting(m -> m.get("outcome")).containsExactly("refused", "connected");
            assertThat(report.phase(ProbePhase.PROCESSING).facts()).containsEntry("status", 200);
        }
    }

    @Test
    void reportsTheJvmDnsCacheLifetimes() {
        ProbeReport report = UpstreamProbe.builder("http://127.0.0.1:1/").connectTimeout(Duration.ofMillis(200))
                .build().run();
        assertThat(report.phase(ProbePhase.RESOLVE).facts())
                .containsKeys("jvmCacheTtlSeconds", "jvmNegativeCacheTtlSeconds")
                .containsEntry("literal", true);
    }

    @SuppressWarnings("unchecked")
    static long firstAddressMillis(PhaseResult connect) {
        List<Map<String, Object>> tried = (List<Map<String, Object>>) connect.facts().get("addresses");
        return ((Number) tried.get(0).get("ms")).longValue();
    }
}
