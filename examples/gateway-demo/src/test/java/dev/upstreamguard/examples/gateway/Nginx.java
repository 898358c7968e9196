package dev.upstreamguard.examples.gateway;

import static org.awaitility.Awaitility.await;

import dev.upstreamguard.test.FaultyUpstream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx on a free loopback port, proxying everything to one backend port with keep-alive on the upstream
 * hop and {@code X-Request-ID: $request_id}. Its configuration, logs, pid file and temporary files live in a
 * fresh temporary folder; {@link #close()} stops it by its PID.
 */
final class Nginx implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/sbin/nginx");

    private final Path prefix;
    private final int port;
    private final Process process;

    private Nginx(int backendPort, Duration readTimeout, Duration upstreamIdleTimeout) throws IOException {
        prefix = Files.createTempDirectory("nginx-e2e-");
        // Workers run as an unprivileged user when started as root: let them traverse the folder.
        Files.setPosixFilePermissions(prefix, PosixFilePermissions.fromString("rwxr-xr-x"));
        port = freePort();
        Files.writeString(prefix.resolve("nginx.conf"), config(backendPort, readTimeout, upstreamIdleTimeout));
        process = new ProcessBuilder(BINARY.toString(), "-p", prefix.toString(), "-c",
                prefix.resolve("nginx.conf").toString(), "-e", prefix.resolve("error.log").toString(),
                "-g", "daemon off;")
                .redirectErrorStream(true)
                .redirectOutput(prefix.resolve("stdout.log").toFile())
                .start();
        try {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("nginx exited with " + process.exitValue() + ": "
                            + Files.readString(prefix.resolve("error.log")));
                }
                return accepts(port);
            });
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Starts nginx in front of {@code 127.0.0.1:backendPort}. */
    static Nginx start(int backendPort, Duration readTimeout, Duration upstreamIdleTimeout) {
        try {
            return new Nginx(backendPort, readTimeout, upstreamIdleTimeout);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String config(int backendPort, Duration readTimeout, Duration upstreamIdleTimeout) {
        String p = prefix.toString();
        return String.join("\n",
                "worker_processes 1;",
                "pid " + p + "/nginx.pid;",
                "error_log " + p + "/error.log warn;",
                "events { worker_connections 512; }",
                "http {",
                "  log_format e2e '$request_id \"$request\" $status $upstream_status $request_time';",
                "  access_log " + p + "/access.log e2e;",
                "  client_body_temp_path " + p + "/client_body;",
                "  proxy_temp_path " + p + "/proxy;",
                "  fastcgi_temp_path " + p + "/fastcgi;",
                "  uwsgi_temp_path " + p + "/uwsgi;",
                "  scgi_temp_path " + p + "/scgi;",
                "  upstream gateway {",
                "    server 127.0.0.1:" + backendPort + ";",
                "    keepalive 16;",
                "    keepalive_timeout " + upstreamIdleTimeout.toSeconds() + "s;",
                "  }",
                "  server {",
                "    listen 127.0.0.1:" + port + ";",
                "    location / {",
                "      proxy_pass http://gateway;",
                "      proxy_http_version 1.1;",
                "      proxy_set_header Connection \"\";",
                "      proxy_set_header X-Request-ID $request_id;",
                "      proxy_connect_timeout 1s;",
                "      proxy_send_timeout " + readTimeout.toSeconds() + "s;",
                "      proxy_read_timeout " + readTimeout.toSeconds() + "s;",
                "    }",
                "  }",
                "}",
                "");
    }

    int port() {
        return port;
    }

    /** The access log's lines so far: {@code $request_id "$request" $status $upstream_status $request_time}. */
    List<String> accessLog() throws IOException {
        Path log = prefix.resolve("access.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    /** Stops nginx (SIGTERM, then SIGKILL after 5 s, workers included) and deletes its folder. */
    @Override
    public void close() {
        List<ProcessHandle> workers = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        deleteQuietly(prefix);
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A free loopback port below the kernel's ephemeral range: no server started on port 0 can take it meanwhile. */
    private static int freePort() {
        return FaultyUpstream.refusedPort();
    }

    static void deleteQuietly(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temporary folder left behind is harmless
        }
    }
}
