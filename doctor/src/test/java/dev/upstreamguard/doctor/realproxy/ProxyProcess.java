package dev.upstreamguard.doctor.realproxy;

import static org.awaitility.Awaitility.await;

import dev.upstreamguard.test.FaultyUpstream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx or HAProxy started from a configuration the test writes, in a fresh temporary folder, listening on
 * loopback; {@link #close()} stops it by its PID (children included); the test deletes the folder.
 */
final class ProxyProcess implements AutoCloseable {
    static final Path NGINX = Path.of("/usr/sbin/nginx");
    static final Path HAPROXY = Path.of("/usr/sbin/haproxy");

    final Path dir;
    final int port;
    private final Process process;

    private ProxyProcess(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** A temporary folder the proxy's workers (an unprivileged user when run as root) can traverse. */
    static Path folder(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    /** The nginx configuration around {@code httpBody}: pid, logs and temp paths in {@code dir}. */
    static String nginxConf(Path dir, String httpBody) {
        String p = dir.toString();
        return String.join("\n", "worker_processes 1;", "pid " + p + "/nginx.pid;",
                "error_log " + p + "/error.log warn;", "events { worker_connections 128; }", "http {",
                "  access_log off;", "  client_body_temp_path " + p + "/client_body;",
                "  proxy_temp_path " + p + "/proxy;", "  fastcgi_temp_path " + p + "/fastcgi;",
                "  uwsgi_temp_path " + p + "/uwsgi;", "  scgi_temp_path " + p + "/scgi;", httpBody, "}", "");
    }

    /** {@code nginx -T} of {@code conf}: the configuration as nginx itself prints it. */
    static String nginxT(Path dir, String conf) throws IOException, InterruptedException {
        Path file = dir.resolve("nginx.conf");
        Files.writeString(file, conf);
        Process p = new ProcessBuilder(NGINX.toString(), "-T", "-p", dir.toString(), "-c", file.toString(), "-e",
                dir.resolve("error.log").toString()).redirectError(dir.resolve("t.err").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("nginx -T failed: " + Files.readString(dir.resolve("t.err")));
        }
        return out;
    }

    /** Starts nginx with {@code conf} (which must listen on {@code port}). */
    static ProxyProcess nginx(Path dir, int port, String conf) throws IOException {
        Path file = dir.resolve("nginx.conf");
        Files.writeString(file, conf);
        Process p = new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-c", file.toString(), "-e",
                dir.resolve("error.log").toString(), "-g", "daemon off;").redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        return started(dir, port, p, "error.log");
    }

    /** {@code haproxy -c}: the exit code and output. */
    static String haproxyCheck(Path config) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(HAPROXY.toString(), "-c", "-f", config.toString()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("haproxy -c did not finish");
        }
        return p.exitValue() + ":" + out;
    }

    /** Starts HAProxy in the foreground with {@code config}; its stdout (the log) goes to {@code stdout.log}. */
    static ProxyProcess haproxy(Path dir, int port, Path config) throws IOException {
        Process p = new ProcessBuilder(HAPROXY.toString(), "-db", "-f", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        return started(dir, port, p, "stdout.log");
    }

    private static ProxyProcess started(Path dir, int port, Process p, String log) {
        ProxyProcess proxy = new ProxyProcess(dir, port, p);
        try {
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).until(() -> {
                if (!p.isAlive()) {
                    Path l = dir.resolve(log);
                    throw new IllegalStateException("the proxy exited with " + p.exitValue() + ": "
                            + (Files.exists(l) ? Files.readString(l) : ""));
                }
                return accepts(port);
            });
        } catch (RuntimeException e) {
            proxy.close(); // the caller deletes the folder
            throw e;
        }
        return proxy;
    }

    /** The lines of a log file in the folder so far. */
    List<String> log(String name) {
        try {
            Path l = dir.resolve(name);
            return Files.exists(l) ? Files.readAllLines(l) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    static void delete(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temporary folder left behind is harmless
        }
    }

    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A free loopback port for a proxy to listen on, or to stand for an upstream that is down: below the kernel's
     * ephemeral range, so that no server started on port 0 meanwhile is given it.
     */
    static int freePort() {
        return FaultyUpstream.refusedPort();
    }
}
