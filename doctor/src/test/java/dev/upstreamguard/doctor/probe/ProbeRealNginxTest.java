package dev.upstreamguard.doctor.probe;

import static dev.upstreamguard.doctor.testing.Measured.assertNear;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.upstreamguard.doctor.Hop;
import dev.upstreamguard.doctor.Verdict;
import dev.upstreamguard.test.FaultyUpstream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real nginx (Debian package; .ci/run installs it) configured with {@code keepalive_timeout 2s 5}: it advertises
 * {@code Keep-Alive: timeout=5} but closes idle connections after 2 s, a misconfiguration the probe must catch.
 */
class ProbeRealNginxTest {
    private static final Path NGINX = Path.of("/usr/sbin/nginx");

    @TempDir
    Path dir;

    @Test
    void nginxThatAdvertisesFiveSecondsButClosesAtTwoIsCaught() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(NGINX), "nginx is not installed");
        int port = FaultyUpstream.refusedPort(); // free, and below the ephemeral range: no port-0 server takes it
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, """
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events { worker_connections 64; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/body; proxy_temp_path %1$s/proxy; fastcgi_temp_path %1$s/fcgi;
                  uwsgi_temp_path %1$s/uwsgi; scgi_temp_path %1$s/scgi;
                  keepalive_timeout 2s 5;
                  server { listen 127.0.0.1:%2$d; location / { return 200 "hello\\n"; } }
                }
                """.formatted(dir, port));
        Process nginx = new ProcessBuilder(NGINX.toString(), "-c", conf.toString(), "-p", dir.toString(),
                "-g", "daemon off;").redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> accepts(port));

            ProbeReport report = UpstreamProbe.builder("http://127.0.0.1:" + port + "/")
                    .idlePeriods(List.of(Duration.ofSeconds(1), Duration.ofSeconds(5))).budget(Duration.ofSeconds(20))
                    .build().run();

            PhaseResult keepAlive = report.phase(ProbePhase.KEEP_ALIVE);
            assertThat(keepAlive.verdict()).isEqualTo(Verdict.DEGRADED);
            assertThat(keepAlive.hop()).isEqualTo(Hop.UPSTREAM);
            assertThat(keepAlive.facts()).containsEntry("advertisedTimeoutSeconds", 5L)
                    .containsEntry("closedBy", "FIN");
            assertNear("real nginx keepalive_timeout 2s 5", ((Number) keepAlive.facts().get("closedAfterMs"))
                    .longValue(), Duration.ofSeconds(2));
        } finally {
            nginx.destroy();
            if (!nginx.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                nginx.destroyForcibly();
            }
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
