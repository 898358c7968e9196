package dev.upstreamguard.doctor.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.doctor.Hop;
import dev.upstreamguard.doctor.Verdict;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The probe of an Upstream shows the addresses its pool holds and notices those DNS no longer returns. */
class ProbePoolAddressTest {
    private final AtomicReference<InetAddress> record = new AtomicReference<>();
    private FaultyUpstream server;
    private Upstream upstream;

    @BeforeEach
    void upstreamWithOnePooledConnection() throws Exception {
        server = FaultyUpstream.start(Fault.ok("x"));
        record.set(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
        upstream = Upstream.builder("prices").baseUri("http://prices.test:" + server.port())
                .policy(UpstreamPolicy.builder().maxConnectionLifetime(Duration.ofMinutes(2)).build())
                .dnsResolver(new org.apache.hc.client5.http.DnsResolver() {
                    @Override
                    public InetAddress[] resolve(String host) {
                        return new InetAddress[] {record.get()};
                    }

                    @Override
                    public String resolveCanonicalHostname(String host) {
                        return host;
                    }
                }).build();
        upstream.execute(ClassicRequestBuilder.get("/").build());
    }

    @AfterEach
    void close() {
        upstream.close();
        server.close();
    }

    @Test
    void resolvePhaseShowsTheAddressesThePoolHolds() {
        ProbeReport report = probe();

        PhaseResult resolve = report.phase(ProbePhase.RESOLVE);
        assertThat(resolve.verdict()).isEqualTo(Verdict.OK);
        assertThat(resolve.facts().get("poolAddresses")).isEqualTo(Map.of("127.0.0.1:" + server.port(), 1));
    }

    @Test
    void poolStillOnTheOldAddressAfterADnsChangeIsDegradedAtTheConnectionPool() throws Exception {
        record.set(InetAddress.getByAddress(new byte[] {127, 0, 0, 2}));

        PhaseResult resolve = probe().phase(ProbePhase.RESOLVE);

        assertThat(resolve.verdict()).isEqualTo(Verdict.DEGRADED);
        assertThat(resolve.hop()).isEqualTo(Hop.CLIENT_POOL);
        assertThat(resolve.errorType()).isEqualTo("dns_error");
        assertThat(resolve.summary()).endsWith("the pool holds 1 connection to 127.0.0.1:" + server.port()
                + ", no longer among them");
        assertThat(resolve.fix()).isEqualTo("the pool replaces them within maxConnectionLifetime (120 s): lower it if "
                + "traffic must follow a DNS change sooner.");
        assertThat(resolve.facts().get("poolAddressesNotResolved"))
                .isEqualTo(Map.of("127.0.0.1:" + server.port(), 1));
    }

    @Test
    void probeOfAUrlSaysNothingOfAPool() {
        ProbeReport report = UpstreamProbe.builder(server.baseUri()).idlePeriods(List.of()).build().run();

        assertThat(report.phase(ProbePhase.RESOLVE).facts()).doesNotContainKey("poolAddresses");
    }

    private ProbeReport probe() {
        return UpstreamProbe.builder(upstream).idlePeriods(List.of()).budget(Duration.ofSeconds(5))
                .resolver(host -> List.of(record.get())).build().run();
    }
}
