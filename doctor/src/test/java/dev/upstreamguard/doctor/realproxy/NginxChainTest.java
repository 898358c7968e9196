package dev.upstreamguard.doctor.realproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.upstreamguard.doctor.Verdict;
import dev.upstreamguard.doctor.chain.Chain;
import dev.upstreamguard.doctor.chain.ChainHop;
import dev.upstreamguard.doctor.chain.ChainReport;
import dev.upstreamguard.doctor.chain.Finding;
import dev.upstreamguard.doctor.chain.NginxConfig;
import dev.upstreamguard.doctor.chain.Presets;
import dev.upstreamguard.doctor.chain.SpringConfig;
import dev.upstreamguard.doctor.testing.Cli;
import dev.upstreamguard.doctor.testing.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The chain check on the {@code nginx -T} output of a real nginx, started with the configuration the test wrote. */
class NginxChainTest {
    private Path dir;

    @BeforeEach
    void folder() throws Exception {
        assumeTrue(Files.isExecutable(ProxyProcess.NGINX), "nginx is not installed at /usr/sbin/nginx");
        dir = ProxyProcess.folder("doctor-nginx-chain-");
    }

    @AfterEach
    void cleanUp() {
        if (dir != null) {
            ProxyProcess.delete(dir);
        }
    }

    /** Starts nginx with {@code server} (the listen line is added), checks it serves, returns its -T output. */
    private String runningNginx(String upstream, String server) throws Exception {
        int port = ProxyProcess.freePort();
        String conf = ProxyProcess.nginxConf(dir, upstream + "\nserver {\n  listen 127.0.0.1:" + port + ";\n"
                + server + "\n}");
        try (ProxyProcess nginx = ProxyProcess.nginx(dir, port, conf)) {
            assertThat(ProxyProcess.accepts(nginx.port)).isTrue();
            return ProxyProcess.nginxT(dir, conf);
        }
    }

    @Test
    void alignedChainBehindAnAlbHasNoProblem() throws Exception {
        String t = runningNginx("upstream app { server 127.0.0.1:9; keepalive 8; keepalive_timeout 20s; }",
                String.join("\n",
                        "  keepalive_timeout 75s;",
                        "  location / {",
                        "    proxy_pass http://app;",
                        "    proxy_http_version 1.1;",
                        "    proxy_set_header Connection \"\";",
                        "    proxy_connect_timeout 2s;",
                        "    proxy_read_timeout 35s;",
                        "    proxy_send_timeout 35s;",
                        "  }"));
        ChainHop nginx = NginxConfig.read(t, "nginx -T");
        assertThat(nginx.keepAlive().value()).isEqualTo(Duration.ofSeconds(75));
        assertThat(nginx.poolIdle().value()).isEqualTo(Duration.ofSeconds(20));
        assertThat(nginx.responseTimeout().value()).isEqualTo(Duration.ofSeconds(35));
        assertThat(nginx.responseTimeout().origin()).contains("nginx.conf:");
        SpringConfig spring = SpringConfig.read(String.join("\n",
                "server.tomcat.keep-alive-timeout=25s",
                "upstream-guard.request-timeout=30s",
                "upstream-guard.upstreams.billing.base-uri=http://billing.internal",
                "upstream-guard.upstreams.billing.idle-timeout=3s",
                "upstream-guard.upstreams.billing.keep-alive=5s"), "application.properties", null);
        Chain.Builder chain = Chain.builder().hop(Presets.alb(null)).hop(nginx).hop(spring.appServer());
        spring.pools().forEach(chain::pool);
        ChainReport report = chain.build().check();
        report.findings().forEach(f -> System.out.println("aligned nginx chain: " + f.verdict() + " " + f.rule() + " "
                + f.front() + " -> " + f.back() + ": " + f.values()));
        assertThat(report.problems()).isEmpty();
        assertThat(report.verdict()).isEqualTo(Verdict.OK);
        assertThat(report.findings()).extracting(Finding::rule).contains("keep-alive-order", "outer-timeout",
                "front-timeout", "deadline-covers-retries", "pool-idle");
    }

    @Test
    void brokenChainReportsEveryViolationWithValuesAndFix() throws Exception {
        String t = runningNginx("upstream app { server 127.0.0.1:9; keepalive 8; }", String.join("\n",
                "  keepalive_timeout 50s;",
                "  location / {",
                "    proxy_pass http://app;",
                "    proxy_http_version 1.1;",
                "    proxy_set_header Connection \"\";",
                "    proxy_read_timeout 20s;",
                "    proxy_next_upstream error timeout non_idempotent;",
                "  }",
                "  location /legacy {",
                "    proxy_pass http://app;",
                "  }"));
        Path nginxT = dir.resolve("nginx-T.txt");
        Files.writeString(nginxT, t);
        Path yaml = dir.resolve("application.yaml");
        Files.writeString(yaml, String.join("\n",
                "server:",
                "  port: 8080",
                "upstream-guard:",
                "  request-timeout: 30s   # the app's deadline",
                "  upstreams:",
                "    billing:",
                "      base-uri: \"http://billing.internal\"",
                "      idle-timeout: 5s",
                "      keep-alive: 5s",
                "      attempt-timeout: 12s",
                ""));
        ChainReport report;
        SpringConfig spring = SpringConfig.read(Files.readString(yaml), "application.yaml", null);
        Chain.Builder chain = Chain.builder().hop(Presets.alb(null)).hop(NginxConfig.read(t, "nginx -T"))
                .hop(spring.appServer());
        spring.pools().forEach(chain::pool);
        report = chain.build().check();
        report.findings().forEach(f -> System.out.println("broken nginx chain: " + f.verdict() + " " + f.rule() + " "
                + f.front() + " -> " + f.back() + ": " + f.values() + (f.fix() == null ? "" : " | fix: " + f.fix())));

        assertThat(failed(report, "keep-alive-order")).hasSize(2); // ALB 60s vs nginx 50s; nginx 60s vs Tomcat 60s
        assertThat(failed(report, "keep-alive-order").get(1).values()).contains("keepalive_timeout (upstream app) = 60s")
                .contains("server.tomcat.keep-alive-timeout = 60s");
        assertThat(failed(report, "keep-alive-order").get(1).fix()).contains("server.tomcat.keep-alive-timeout");
        assertThat(failed(report, "front-timeout")).singleElement().satisfies(f -> {
            assertThat(f.values()).contains("proxy_read_timeout = 20s").contains("request-timeout = 30s")
                    .contains("application.yaml:4");
            assertThat(f.fix()).contains("upstream-guard.request-timeout").contains("proxy_read_timeout");
        });
        assertThat(failed(report, "outer-timeout")).singleElement() // ALB 60s < nginx 60s connect + 20s read
                .satisfies(f -> assertThat(f.values()).contains("worst case 80s"));
        assertThat(failed(report, "pool-idle")).singleElement().satisfies(f -> assertThat(f.fix()).contains("4s"));
        assertThat(rule(report, "deadline-covers-retries").verdict()).isEqualTo(Verdict.DEGRADED);
        assertThat(rule(report, "non-idempotent-retry").verdict()).isEqualTo(Verdict.DEGRADED);
        assertThat(rule(report, "upstream-reuse").message()).contains("location /legacy");
        assertThat(rule(report, "client-defaults").values()).contains("proxy_connect_timeout = 60s (default)");
        assertThat(report.verdict()).isEqualTo(Verdict.FAILED);

        // The same chain through the CLI, as a process: exit 1 and a JSON document that says the same.
        Cli.Result cli = Cli.run(null, "chain", "--preset", "alb", "--nginx", nginxT.toString(), "--spring",
                yaml.toString(), "--json");
        assertThat(cli.exit()).as(cli.err()).isEqualTo(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) Json.parse(cli.out());
        assertThat(json.get("verdict")).isEqualTo("failed");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> findings = (List<Map<String, Object>>) json.get("findings");
        assertThat(findings.stream().filter(f -> f.get("verdict").equals("failed")).map(f -> f.get("rule")))
                .containsExactlyInAnyOrderElementsOf(report.findings().stream()
                        .filter(f -> f.verdict() == Verdict.FAILED).map(Finding::rule).toList());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> hops = (List<Map<String, Object>>) json.get("hops");
        assertThat(hops).extracting(h -> h.get("name")).containsExactly("AWS ALB", "nginx", "Tomcat");
    }

    private static List<Finding> failed(ChainReport report, String rule) {
        return report.findings().stream().filter(f -> f.rule().equals(rule) && f.verdict() == Verdict.FAILED)
                .toList();
    }

    private static Finding rule(ChainReport report, String rule) {
        return report.findings().stream().filter(f -> f.rule().equals(rule)).findFirst()
                .orElseThrow(() -> new AssertionError("no finding for " + rule));
    }
}
