package dev.upstreamguard.doctor.realproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.upstreamguard.doctor.Hop;
import dev.upstreamguard.doctor.Verdict;
import dev.upstreamguard.doctor.evidence.EvidenceDecoder;
import dev.upstreamguard.doctor.evidence.Explanation;
import dev.upstreamguard.test.FaultyUpstream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The decoder on log lines a real HAProxy wrote (to stdout, raw) while proxying to misbehaving backends. */
class HaproxyEvidenceTest {
    private final EvidenceDecoder decoder = new EvidenceDecoder();

    @Test
    void decodesTheTerminationStatesARealHaproxyLogs() throws Exception {
        assumeTrue(Files.isExecutable(ProxyProcess.HAPROXY), "haproxy is not installed at /usr/sbin/haproxy");
        Path dir = ProxyProcess.folder("doctor-haproxy-evidence-");
        try (FaultyUpstream backend = FaultyBackend.start()) {
            int port = ProxyProcess.freePort();
            int closed = ProxyProcess.freePort();
            Path cfg = dir.resolve("haproxy.cfg");
            Files.writeString(cfg, String.join("\n",
                    "global",
                    "  log stdout format raw local0",
                    "defaults",
                    "  mode http",
                    "  log global",
                    "  option httplog",
                    "  timeout connect 2s",
                    "  timeout client 10s",
                    "  timeout server 1s",
                    "  retries 0",
                    "frontend fe",
                    "  bind 127.0.0.1:" + port,
                    "  use_backend refused if { path /refused }",
                    "  default_backend app",
                    "backend refused",
                    "  server s1 127.0.0.1:" + closed,
                    "backend app",
                    "  server s1 127.0.0.1:" + backend.port(),
                    ""));
            assertThat(ProxyProcess.haproxyCheck(cfg)).startsWith("0:");
            try (ProxyProcess haproxy = ProxyProcess.haproxy(dir, port, cfg)) {
                Map<String, String> expected = new LinkedHashMap<>();
                expected.put("/refused", "connection_refused");
                expected.put("/silent", "http_response_timeout");
                expected.put("/early", "connection_terminated");
                expected.put("/partial", null);
                expected.put("/bigheader", null);
                for (String path : expected.keySet()) {
                    Requests.get(port, path);
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> requests(haproxy).size() >= expected.size());
                List<String> lines = requests(haproxy);
                for (Map.Entry<String, String> e : expected.entrySet()) {
                    String line = lines.stream().filter(l -> l.contains("\"GET " + e.getKey() + " ")).findFirst()
                            .orElseThrow(() -> new AssertionError("no log line for " + e.getKey() + " in " + lines));
                    Explanation x = decoder.explain(line);
                    System.out.println("haproxy " + e.getKey() + ": " + x.evidence() + " -> " + x.errorType() + " / "
                            + x.hop() + " <- " + line);
                    assertThat(x.source()).as(line).isEqualTo("haproxy");
                    assertThat(x.verdict()).as(line).isEqualTo(Verdict.FAILED);
                    if (e.getValue() != null) {
                        assertThat(x.errorType()).as(line).isEqualTo(e.getValue());
                        assertThat(x.hop()).isEqualTo(Hop.WEB_APPLICATION);
                    }
                }
            }
        } finally {
            ProxyProcess.delete(dir);
        }
    }

    private static List<String> requests(ProxyProcess haproxy) {
        return haproxy.log("stdout.log").stream().filter(l -> l.contains("\"GET /")).toList();
    }
}
