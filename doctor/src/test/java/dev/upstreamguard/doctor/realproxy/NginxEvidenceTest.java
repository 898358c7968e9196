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

/** The decoder on error-log lines a real nginx wrote while proxying to misbehaving backends. */
class NginxEvidenceTest {
    private final EvidenceDecoder decoder = new EvidenceDecoder();

    @Test
    void decodesWhatARealNginxLogsForEachBackendFailure() throws Exception {
        assumeTrue(Files.isExecutable(ProxyProcess.NGINX), "nginx is not installed at /usr/sbin/nginx");
        Path dir = ProxyProcess.folder("doctor-nginx-evidence-");
        try (FaultyUpstream backend = FaultyBackend.start()) {
            int port = ProxyProcess.freePort();
            int closed1 = ProxyProcess.freePort();
            int closed2 = ProxyProcess.freePort();
            String conf = ProxyProcess.nginxConf(dir, String.join("\n",
                    "upstream app { server 127.0.0.1:" + backend.port() + " max_fails=0; }",
                    "upstream dead { server 127.0.0.1:" + closed1 + "; server 127.0.0.1:" + closed2 + "; }",
                    "server {",
                    "  listen 127.0.0.1:" + port + ";",
                    "  proxy_read_timeout 1s;",
                    "  proxy_connect_timeout 2s;",
                    "  proxy_buffer_size 4k;",
                    "  proxy_http_version 1.1;",
                    "  proxy_next_upstream off;",
                    "  location /refused { proxy_pass http://127.0.0.1:" + closed1 + "; }",
                    "  location /dead { proxy_next_upstream error; proxy_pass http://dead; }",
                    "  location / { proxy_pass http://app; }",
                    "}"));
            try (ProxyProcess nginx = ProxyProcess.nginx(dir, port, conf)) {
                Map<String, String> expected = new LinkedHashMap<>();
                expected.put("/refused", "connection_refused");
                expected.put("/silent", "http_response_timeout");
                expected.put("/early", "connection_terminated");
                expected.put("/partial", "http_response_incomplete");
                expected.put("/bigheader", "http_response_header_section_size");
                expected.put("/badchunk", "http_response_transfer_coding");
                for (String path : expected.keySet()) {
                    Requests.get(port, path);
                }
                assertThat(Requests.get(port, "/dead")).isEqualTo(502);
                assertThat(Requests.get(port, "/dead")).isEqualTo(502); // both servers marked failed now
                await().atMost(Duration.ofSeconds(10)).until(() -> errors(nginx).size() >= expected.size() + 3);

                List<String> lines = errors(nginx);
                for (Map.Entry<String, String> e : expected.entrySet()) {
                    String line = lineFor(lines, e.getKey());
                    Explanation x = decoder.explain(line);
                    System.out.println("nginx " + e.getKey() + ": " + x.errorType() + " / " + x.hop() + " <- "
                            + line.substring(line.indexOf("[error]")));
                    assertThat(x.source()).as(line).isEqualTo("nginx");
                    assertThat(x.errorType()).as(line).isEqualTo(e.getValue());
                    assertThat(x.verdict()).isEqualTo(Verdict.FAILED);
                    assertThat(x.hop()).isEqualTo(Hop.WEB_APPLICATION);
                }
                String noLive = lines.stream().filter(l -> l.contains("no live upstreams")).findFirst()
                        .orElseThrow(() -> new AssertionError("no 'no live upstreams' line in " + lines));
                Explanation x = decoder.explain(noLive);
                System.out.println("nginx /dead: " + x.errorType() + " / " + x.hop() + " <- "
                        + noLive.substring(noLive.indexOf("[error]")));
                assertThat(x.errorType()).isEqualTo("destination_unavailable");
                assertThat(x.hop()).isEqualTo(Hop.REVERSE_PROXY);
            }
        } finally {
            ProxyProcess.delete(dir);
        }
    }

    private static List<String> errors(ProxyProcess nginx) {
        return nginx.log("error.log").stream().filter(l -> l.contains("[error]")).toList();
    }

    private static String lineFor(List<String> lines, String path) {
        return lines.stream().filter(l -> l.contains("request: \"GET " + path + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no error line for " + path + " in " + lines));
    }
}
