package dev.upstreamguard.doctor.realproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.upstreamguard.doctor.Verdict;
import dev.upstreamguard.doctor.chain.Chain;
import dev.upstreamguard.doctor.chain.ChainHop;
import dev.upstreamguard.doctor.chain.ChainReport;
import dev.upstreamguard.doctor.chain.Finding;
import dev.upstreamguard.doctor.chain.HaproxyConfig;
import dev.upstreamguard.doctor.chain.Presets;
import dev.upstreamguard.doctor.chain.SpringConfig;
import dev.upstreamguard.doctor.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The chain check on HAProxy configurations that {@code haproxy -c} accepts. */
class HaproxyChainTest {
    private Path dir;

    @BeforeEach
    void folder() throws Exception {
        assumeTrue(Files.isExecutable(ProxyProcess.HAPROXY), "haproxy is not installed at /usr/sbin/haproxy");
        dir = ProxyProcess.folder("doctor-haproxy-chain-");
    }

    @AfterEach
    void cleanUp() {
        if (dir != null) {
            ProxyProcess.delete(dir);
        }
    }

    private Path validConfig(String... lines) throws Exception {
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, String.join("\n", lines) + "\n");
        String check = ProxyProcess.haproxyCheck(cfg);
        assertThat(check).as("haproxy -c").startsWith("0:");
        return cfg;
    }

    private static ChainReport check(ChainHop haproxy, String springProperties) {
        SpringConfig spring = SpringConfig.read(springProperties, "application.properties", null);
        return Chain.builder().hop(Presets.alb(null)).hop(haproxy).hop(spring.appServer()).build().check();
    }

    @Test
    void alignedHaproxyBehindAnAlbHasNoProblem() throws Exception {
        Path cfg = validConfig(
                "defaults",
                "  mode http",
                "  timeout connect 2s",
                "  timeout client 30s",
                "  timeout http-keep-alive 75s",
                "  timeout server 35s",
                "  retry-on conn-failure",
                "frontend fe",
                "  bind 127.0.0.1:" + ProxyProcess.freePort(),
                "  default_backend app",
                "backend app",
                "  http-reuse safe",
                "  server s1 127.0.0.1:9");
        ChainHop haproxy = HaproxyConfig.read(Files.readString(cfg), "haproxy.cfg");
        assertThat(haproxy.keepAlive().value()).isEqualTo(Duration.ofSeconds(75));
        assertThat(haproxy.keepAlive().origin()).isEqualTo("haproxy.cfg:5");
        assertThat(haproxy.responseTimeout().value()).isEqualTo(Duration.ofSeconds(35));
        ChainReport report = check(haproxy, "server.tomcat.keep-alive-timeout=20s\nupstream-guard.request-timeout=30s");
        report.findings().forEach(f -> System.out.println("aligned haproxy chain: " + f.verdict() + " " + f.rule()
                + " " + f.front() + " -> " + f.back() + ": " + f.values()));
        assertThat(report.problems()).isEmpty();
    }

    @Test
    void brokenHaproxyChainReportsEveryViolation() throws Exception {
        Path cfg = validConfig(
                "defaults",
                "  mode http",
                "  timeout client 30s",
                "  timeout server 20000",
                "frontend fe",
                "  bind 127.0.0.1:" + ProxyProcess.freePort(),
                "  default_backend app",
                "backend app",
                "  retry-on all-retryable-errors",
                "  server s1 127.0.0.1:9");
        ChainHop haproxy = HaproxyConfig.read(Files.readString(cfg), "haproxy.cfg");
        assertThat(haproxy.responseTimeout().value()).isEqualTo(Duration.ofSeconds(20)); // bare number: ms
        ChainReport report = check(haproxy, "upstream-guard.request-timeout=30s");
        report.findings().forEach(f -> System.out.println("broken haproxy chain: " + f.verdict() + " " + f.rule()
                + " " + f.front() + " -> " + f.back() + ": " + f.values()
                + (f.fix() == null ? "" : " | fix: " + f.fix())));
        // ALB reuses idle connections 60s; HAProxy keeps them 30s (timeout client: no http-keep-alive, no
        // http-request set).
        Finding keepAlive = failed(report, "keep-alive-order").get(0);
        assertThat(keepAlive.values()).contains("timeout client = 30s (haproxy.cfg:3)");
        assertThat(keepAlive.fix()).contains("timeout client");
        assertThat(failed(report, "front-timeout")).singleElement()
                .satisfies(f -> assertThat(f.values()).contains("timeout server = 20s (haproxy.cfg:4)"));
        assertThat(report.findings()).anySatisfy(f -> {
            assertThat(f.rule()).isEqualTo("non-idempotent-retry");
            assertThat(f.verdict()).isEqualTo(Verdict.DEGRADED);
            assertThat(f.values()).contains("all-retryable-errors");
        });
        assertThat(report.findings()).anySatisfy(f -> {
            assertThat(f.rule()).isEqualTo("client-defaults");
            assertThat(f.values()).isEqualTo("timeout connect not set");
        });

        Cli.Result cli = Cli.run(null, "chain", "--preset", "alb", "--haproxy", cfg.toString());
        assertThat(cli.exit()).isEqualTo(1);
        assertThat(cli.out()).contains("FAIL  keep-alive-order").contains("chain: FAIL");
        assertThat(cli.out().lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(100));
        assertThat(cli.out()).doesNotContain("\u001b[");
    }

    private static List<Finding> failed(ChainReport report, String rule) {
        return report.findings().stream().filter(f -> f.rule().equals(rule) && f.verdict() == Verdict.FAILED)
                .toList();
    }
}
