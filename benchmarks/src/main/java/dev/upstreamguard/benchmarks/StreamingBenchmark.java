package dev.upstreamguard.benchmarks;

import com.sun.net.httpserver.HttpServer;
import dev.upstreamguard.core.StreamedResponse;
import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamPolicy;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;

/**
 * Streaming, measured on loopback (not part of the full runner; its figures are in BENCHMARKS.md's streaming
 * section):
 * <ol>
 *   <li>download throughput: the same large body read through {@code Upstream.stream} and through a raw pooled
 *       HttpClient streaming it, interleaved round by round in one JVM; the ratio per round, then the median;</li>
 *   <li>server-sent events through the gateway demo (started from its jar as its own process): for each event, the
 *       time from the upstream writing it to the client reading it, against the same upstream read directly.</li>
 * </ol>
 * Heap per streamed call in flight against the body size: {@link StreamingHeapBenchmark}.
 * Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.upstreamguard.benchmarks.StreamingBenchmark
 * [--quick] [--demo-jar=examples/gateway-demo/target/gateway-demo-<version>.jar]}.
 */
public final class StreamingBenchmark {
    private static final int MIB = 1024 * 1024;

    private StreamingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--quick");
        Path demoJar = null;
        for (String a : args) {
            if (a.startsWith("--demo-jar=")) {
                demoJar = Path.of(a.substring("--demo-jar=".length()));
            }
        }
        System.out.printf(Locale.ROOT, "JVM %s %s, %d cores, max heap %d MiB%n", System.getProperty("java.vm.name"),
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() / MIB);
        download(quick ? 3 : 12, quick ? 64 : 256);
        if (demoJar != null) {
            serverSentEvents(demoJar, quick ? 50 : 300, Duration.ofMillis(20), quick ? 64 : 1024);
        }
    }

    // ------------------------------------------------------------------------------------- download throughput

    static void download(int rounds, int mib) throws Exception {
        long bytes = (long) mib * MIB;
        try (BodyServer server = new BodyServer(bytes);
                CloseableHttpClient raw = HttpClients.custom()
                        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                                .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).build()).build())
                        .disableAutomaticRetries().build();
                Upstream guard = Upstream.builder("bench").baseUri("http://127.0.0.1:" + server.port())
                        .policy(UpstreamPolicy.builder().stallTimeout(Duration.ofSeconds(10)).build()).build()) {
            String uri = "http://127.0.0.1:" + server.port() + "/big";
            // Warm-up: both paths, a few bodies each.
            for (int i = 0; i < 3; i++) {
                readRaw(raw, uri, bytes);
                readGuarded(guard, bytes);
            }
            List<Double> ratios = new ArrayList<>();
            List<Double> rawRates = new ArrayList<>();
            List<Double> guardRates = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                double rawRate;
                double guardRate;
                if (round % 2 == 0) {
                    rawRate = readRaw(raw, uri, bytes);
                    guardRate = readGuarded(guard, bytes);
                } else {
                    guardRate = readGuarded(guard, bytes);
                    rawRate = readRaw(raw, uri, bytes);
                }
                rawRates.add(rawRate);
                guardRates.add(guardRate);
                ratios.add(guardRate / rawRate);
                System.out.printf(Locale.ROOT, "  round %2d: raw %8.1f MiB/s, guard %8.1f MiB/s, ratio %.3f%n",
                        round + 1, rawRate, guardRate, guardRate / rawRate);
            }
            System.out.printf(Locale.ROOT, "download %d MiB x %d rounds: raw median %.1f MiB/s, guard median %.1f"
                    + " MiB/s, guard/raw median %.3fx (min %.3f, max %.3f)%n", mib, rounds, median(rawRates),
                    median(guardRates), median(ratios), Collections.min(ratios), Collections.max(ratios));
        }
    }

    private static double readRaw(CloseableHttpClient raw, String uri, long expected) throws IOException {
        long start = System.nanoTime();
        long n;
        try (ClassicHttpResponse r = raw.executeOpen(null, new HttpGet(uri), null);
                InputStream in = r.getEntity().getContent()) {
            n = drain(in);
        }
        return rate(n, expected, start);
    }

    private static double readGuarded(Upstream guard, long expected) throws IOException {
        long start = System.nanoTime();
        long n;
        try (StreamedResponse r = guard.stream(ClassicRequestBuilder.get("/big").build())) {
            n = drain(r.body());
        }
        return rate(n, expected, start);
    }

    private static long drain(InputStream in) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long n = 0;
        for (int r; (r = in.read(buf)) >= 0; ) {
            n += r;
        }
        return n;
    }

    private static double rate(long n, long expected, long start) {
        if (n != expected) {
            throw new IllegalStateException("read " + n + " bytes, expected " + expected);
        }
        return n / (double) MIB / ((System.nanoTime() - start) / 1e9);
    }

    /** Answers every GET on a kept-alive connection with {@code bytes} of body and its Content-Length. */
    private static final class BodyServer implements AutoCloseable {
        private final ServerSocket socket;
        private final Thread acceptor;
        private final List<Socket> open = Collections.synchronizedList(new ArrayList<>());

        BodyServer(long bytes) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            byte[] chunk = new byte[MIB];
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = (byte) (i * 31 + 7);
            }
            byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + bytes
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        open.add(s);
                        Thread t = new Thread(() -> serve(s, head, chunk, bytes), "body-server-conn");
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "body-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private static void serve(Socket s, byte[] head, byte[] chunk, long bytes) {
            try (s) {
                s.setTcpNoDelay(true);
                InputStream in = new BufferedInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                while (readHead(in)) {
                    out.write(head);
                    for (long sent = 0; sent < bytes; sent += chunk.length) {
                        out.write(chunk, 0, (int) Math.min(chunk.length, bytes - sent));
                    }
                    out.flush();
                }
            } catch (IOException gone) {
                // the client closed the connection
            }
        }

        /** Reads up to the blank line; false at the end of the stream. */
        private static boolean readHead(InputStream in) throws IOException {
            int last = 0;
            for (int b; (b = in.read()) >= 0; ) {
                last = last << 8 | b;
                if (last == 0x0D0A0D0A) {
                    return true;
                }
            }
            return false;
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            synchronized (open) {
                for (Socket s : open) {
                    s.close();
                }
            }
        }
    }

    // --------------------------------------------------------------------------- server-sent events via the demo

    static void serverSentEvents(Path demoJar, int events, Duration interval, int bigMib) throws Exception {
        if (!Files.isRegularFile(demoJar)) {
            throw new IllegalArgumentException("no demo jar at " + demoJar + " (mvn -pl examples/gateway-demo -am"
                    + " package -DskipTests)");
        }
        HttpServer sse = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        sse.createContext("/events", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            String query = exchange.getRequestURI().getQuery();
            int count = query != null && query.startsWith("n=") ? Integer.parseInt(query.substring(2)) : events;
            try (OutputStream out = exchange.getResponseBody()) {
                long next = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    next += interval.toNanos();
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait); // the upstream's own pace, not synchronisation
                    }
                    // The send time travels in the event (the reader is in this JVM: same clock).
                    out.write(("id: " + i + "\ndata: event " + i + " sent " + System.nanoTime() + "\n\n")
                            .getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        byte[] chunk = new byte[MIB];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) (i * 31 + 7);
        }
        sse.createContext("/big", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, (long) bigMib * MIB);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < bigMib; i++) {
                    out.write(chunk);
                }
            }
        });
        sse.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        sse.start();
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", demoJar.toString(), "--server.port=" + port, "--server.address=127.0.0.1",
                "--upstream-guard.upstreams.backend.base-uri=http://127.0.0.1:" + sse.getAddress().getPort(),
                "--upstream-guard.upstreams.backend.stall-timeout=30s", "--logging.level.root=WARN",
                "--spring.main.banner-mode=off")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            awaitUp(port, Duration.ofSeconds(90));
            // Warm-up: the demo's first calls load classes and open the upstream connection.
            eventLatencies(sse.getAddress().getPort(), "/events?n=50", 50);
            for (int i = 0; i < 3; i++) {
                eventLatencies(port, "/api/events?n=50", 50);
            }
            double[] direct = eventLatencies(sse.getAddress().getPort(), "/events", events);
            double[] viaDemo = eventLatencies(port, "/api/events", events);
            report("direct from the upstream", direct);
            report("through the gateway demo", viaDemo);
            bigDownload(port, bigMib, chunk);
        } finally {
            demo.destroy();
            if (!demo.waitFor(20, TimeUnit.SECONDS)) {
                demo.destroyForcibly();
            }
            sse.stop(0);
            ((java.util.concurrent.ExecutorService) sse.getExecutor()).shutdownNow();
        }
    }

    /** Downloads {@code mib} MiB through the demo (started with -Xmx256m), checking every byte. */
    private static void bigDownload(int port, int mib, byte[] chunk) throws Exception {
        long start = System.nanoTime();
        long n = 0;
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write("GET /api/big HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("no response head");
                }
                head.append((char) b);
            }
            String declared = "Content-Length: " + (long) mib * MIB;
            if (!head.toString().contains(declared)) {
                throw new IOException("unexpected head: " + head.toString().lines().findFirst().orElse(""));
            }
            byte[] buf = new byte[64 * 1024];
            for (int r; (r = in.read(buf)) >= 0; ) {
                for (int k = 0; k < r; k++) {
                    if (buf[k] != chunk[(int) ((n + k) % MIB)]) {
                        throw new IOException("byte " + (n + k) + " differs");
                    }
                }
                n += r;
            }
        }
        if (n != (long) mib * MIB) {
            throw new IOException("received " + n + " of " + (long) mib * MIB + " bytes");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "download of %d MiB through the demo (-Xmx256m): byte-exact, %.1f s,"
                + " %.1f MiB/s%n", mib, seconds, mib / seconds);
    }

    private static void awaitUp(int port, Duration limit) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        long until = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < until) {
            try {
                var r = http.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/actuator/health")).timeout(Duration.ofSeconds(2)).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() < 500) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            TimeUnit.MILLISECONDS.sleep(200); // polling a child process's start, not synchronising threads
        }
        throw new IllegalStateException("the demo did not start within " + limit);
    }

    /** Reads the event stream at {@code port}{@code path}; each event's arrival minus its send, in ms. */
    private static double[] eventLatencies(int port, String path, int events) throws IOException {
        double[] latencies = new double[events];
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream"
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = new BufferedInputStream(s.getInputStream());
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int seen = 0;
            for (int b; seen < events && (b = in.read()) >= 0; ) {
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                String text = line.toString(StandardCharsets.UTF_8).strip();
                line.reset();
                if (text.startsWith("data: event ")) {
                    long now = System.nanoTime();
                    String[] parts = text.split(" ");
                    int i = Integer.parseInt(parts[2]);
                    latencies[i] = (now - Long.parseLong(parts[4])) / 1e6;
                    seen++;
                }
            }
            if (seen < events) {
                throw new IOException("stream ended after " + seen + " of " + events + " events");
            }
        }
        return latencies;
    }

    private static void report(String label, double[] latenciesMs) {
        double[] sorted = latenciesMs.clone();
        Arrays.sort(sorted);
        long over50 = Arrays.stream(sorted).filter(v -> v > 50).count();
        System.out.printf(Locale.ROOT, "SSE %s: %d events, send-to-read p50 %.2f ms, p99 %.2f ms, max %.2f ms,"
                + " over 50 ms: %d%n", label, sorted.length, sorted[sorted.length / 2],
                sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)],
                sorted[sorted.length - 1], over50);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
