package dev.upstreamguard.doctor.chain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.doctor.Verdict;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ChainRulesTest {
    private static ChainHop app(int keepAliveSeconds, int deadlineSeconds) {
        return ChainHop.appServer("Tomcat",
                new Setting(Duration.ofSeconds(keepAliveSeconds), "server.tomcat.keep-alive-timeout", "given"),
                new Setting(Duration.ofSeconds(deadlineSeconds), "upstream-guard.request-timeout", "given"));
    }

    private static Finding finding(ChainReport report, String rule) {
        return report.findings().stream().filter(f -> f.rule().equals(rule)).findFirst().orElseThrow();
    }

    @Test
    void aTieIsAViolationAndTheMarginCounts() {
        assertThat(finding(Chain.builder().hop(Presets.alb(null)).hop(app(60, 20)).build().check(),
                "keep-alive-order").verdict()).isEqualTo(Verdict.FAILED);
        assertThat(finding(Chain.builder().hop(Presets.alb(null)).hop(app(61, 20)).build().check(),
                "keep-alive-order").verdict()).isEqualTo(Verdict.FAILED); // within the 1s margin
        assertThat(finding(Chain.builder().hop(Presets.alb(null)).hop(app(62, 20)).build().check(),
                "keep-alive-order").verdict()).isEqualTo(Verdict.OK);
        assertThat(finding(Chain.builder().margin(Duration.ofSeconds(5)).hop(Presets.alb(null)).hop(app(62, 20))
                .build().check(), "keep-alive-order").verdict()).isEqualTo(Verdict.FAILED);
        assertThat(finding(Chain.builder().hop(Presets.alb(Duration.ofSeconds(30))).hop(app(60, 29)).build()
                .check(), "front-timeout").verdict()).isEqualTo(Verdict.FAILED); // 30s vs 29s + 1s: a tie
    }

    @Test
    void googleCloudNeedsABackendKeepAliveAboveSixHundredSeconds() {
        ChainReport report = Chain.builder().hop(Presets.gcp(null)).hop(app(60, 20)).build().check();
        Finding f = finding(report, "keep-alive-order");
        assertThat(f.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(f.values()).contains("600s (fixed)");
        assertThat(f.fix()).contains("more than 601s");
        assertThat(finding(report, "front-timeout").verdict()).isEqualTo(Verdict.OK); // 30s > 20s + 1s
    }

    @Test
    void cloudflareWaitsOneHundredSecondsForTheFirstByte() {
        Finding f = finding(Chain.builder().hop(Presets.cloudflare(null)).hop(app(901, 120)).build().check(),
                "front-timeout");
        assertThat(f.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(f.values()).contains("Cloudflare proxy read timeout = 100s (default)");
    }

    @Test
    void minuteLongClientTimeoutsAreFlagged() {
        Setting minute = new Setting(Duration.ofMinutes(3), "upstream-guard.upstreams.a.connect-timeout", "given");
        Setting s = new Setting(Duration.ofSeconds(1), "x", "given");
        ClientPool pool = new ClientPool("a", minute, new Setting(Duration.ofMinutes(3), "attempt", "given"), 1,
                Duration.ZERO, s, s, null);
        ChainReport report = Chain.builder().hop(app(60, 20)).pool(pool).build().check();
        assertThat(report.findings()).filteredOn(f -> f.rule().equals("client-defaults")).hasSize(2)
                .allSatisfy(f -> assertThat(f.verdict()).isEqualTo(Verdict.DEGRADED));
        assertThat(finding(report, "deadline-covers-retries").verdict()).isEqualTo(Verdict.DEGRADED);
        assertThat(finding(report, "pool-idle").message()).startsWith("Not checked");
    }
}
