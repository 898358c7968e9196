package dev.upstreamguard.doctor.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpstreamProbeBuilderTest {

    @Test
    void rejectsUrlsThatAreNotHttpWithAHost() {
        assertThatThrownBy(() -> UpstreamProbe.builder("ftp://host/")).hasMessage(
                "url must be an http or https URL with a host (no user info), but was 'ftp://host/'");
        assertThatThrownBy(() -> UpstreamProbe.builder("http://user:secret@host/"))
                .hasMessageContaining("no user info");
        assertThatThrownBy(() -> UpstreamProbe.builder("http://bad host/")).hasMessage(
                "url must be an http or https URL, but was 'http://bad host/'");
    }

    @Test
    void rejectsBadValuesNamingThemAndShowingThem() {
        UpstreamProbe.Builder b = UpstreamProbe.builder("http://h/");
        assertThatThrownBy(() -> b.budget(Duration.ZERO)).hasMessage(
                "budget must be more than 0 and at most PT10M, but was PT0S");
        assertThatThrownBy(() -> b.path("/a\r\nX: y")).hasMessageStartingWith("path must start with '/'")
                .hasMessageEndingWith("but was '/a??X: y'");
        assertThatThrownBy(() -> b.header("Bad Name", "v")).hasMessage(
                "header name must be an HTTP token, but was 'Bad Name'");
        assertThatThrownBy(() -> b.header("Content-Length", "5")).hasMessageContaining("set by the probe itself");
        assertThatThrownBy(() -> b.header("X-A", "v\r\nInjected: 1")).hasMessageContaining("without control");
        assertThatThrownBy(() -> b.idlePeriods(Collections.nCopies(11, Duration.ofSeconds(1))))
                .hasMessage("at most 10 idle periods, but was 11");
        assertThatThrownBy(() -> b.idlePeriods(List.of(Duration.ofSeconds(-1))))
                .hasMessage("idle period must be more than 0 and at most PT10M, but was PT-1S");
        assertThatThrownBy(() -> b.keepAliveMargin(Duration.ofMinutes(5)))
                .hasMessage("keepAliveMargin must be between 0 and 1 min, but was PT5M");
    }

    @Test
    void sortsIdlePeriodsAndTakesThePathFromTheUrl() {
        UpstreamProbe probe = UpstreamProbe.builder("http://h:8080/status?full=1")
                .idlePeriods(List.of(Duration.ofSeconds(5), Duration.ofSeconds(1))).build();
        assertThat(probe.target().toString()).isEqualTo("http://h:8080/status?full=1");
    }

    @Test
    void takesAnUpstreamsBaseUriAndPolicy() throws Exception {
        UpstreamPolicy policy = UpstreamPolicy.builder().connectTimeout(Duration.ofMillis(300))
                .idleTimeout(Duration.ofSeconds(4)).build();
        try (FaultyUpstream server = FaultyUpstream.start(Fault.status(200, "", "Connection", "close"));
                Upstream upstream = Upstream.builder("users").baseUri(server.baseUri() + "/api").policy(policy)
                        .build()) {
            ProbeReport report = UpstreamProbe.builder(upstream).build().run();
            assertThat(report.target().toString()).isEqualTo(server.baseUri() + "/api");
            assertThat(report.phase(ProbePhase.KEEP_ALIVE).facts()).containsEntry("poolIdleSeconds", 4.0);
        }
        try (Upstream noBase = Upstream.builder("nobase").build()) {
            assertThatThrownBy(() -> UpstreamProbe.builder(noBase))
                    .hasMessage("upstream 'nobase' has no baseUri to probe: probe a URL instead");
        }
    }
}
