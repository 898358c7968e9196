package dev.upstreamguard.benchmarks;

import dev.upstreamguard.core.StreamedResponse;
import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.core.retry.RetryPolicy;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;

/**
 * Heap per call in flight against the body size, on loopback (figures in BENCHMARKS.md, section 7): {@code calls}
 * concurrent downloads, each held by the upstream {@link #TAIL} bytes before its end (so all but the last 64 KiB of
 * every body has passed through the call), live heap measured then (class histogram total after a full GC) minus
 * the same with the clients built and the caller threads started but no call made, divided by the calls.
 * Usage: {@code java -Xmx1g -cp benchmarks/target/benchmarks.jar
 * dev.upstreamguard.benchmarks.StreamingHeapBenchmark [--quick]}.
 */
final class StreamingHeapBenchmark {
    static final long MIB = 1024 * 1024;
    /** Bytes of each body the upstream holds back until the heap was measured. */
    static final int TAIL = 64 * 1024;

    /** How the calls read their body. */
    enum Reading {
        /** A raw pooled HttpClient streaming the body: the baseline. */
        RAW_STREAMED,
        /** {@code Upstream.stream}, reading the body as it arrives. */
        STREAMED,
        /** {@code Upstream.execute}: the body read whole into memory (the default). */
        BUFFERED
    }

    private StreamingHeapBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        int calls = 32;
        long small = MIB;
        long large = (quick ? 16 : 100) * MIB;
        long buffered = 8 * MIB; // under the default max-body-size (16 MiB)
        System.out.printf(Locale.ROOT, "JVM %s %s, max heap %d MiB; %d concurrent calls each%n",
                System.getProperty("java.vm.name"), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() / MIB, calls);
        for (Reading p : Reading.values()) {
            heapPerCall(p, 4, MIB); // warm-up: classes loaded before any measurement
        }
        long[][] cells = {{Reading.STREAMED.ordinal(), small}, {Reading.STREAMED.ordinal(), large},
            {Reading.RAW_STREAMED.ordinal(), small}, {Reading.RAW_STREAMED.ordinal(), large},
            {Reading.BUFFERED.ordinal(), small}, {Reading.BUFFERED.ordinal(), buffered}};
        double[] best = new double[cells.length];
        java.util.Arrays.fill(best, Double.MAX_VALUE);
        for (int round = 0; round < 2; round++) { // twice each, keeping the smaller: GC leftovers only ever add
            for (int i = 0; i < cells.length; i++) {
                best[i] = Math.min(best[i], heapPerCall(Reading.values()[(int) cells[i][0]], calls, cells[i][1]));
            }
        }
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < cells.length; i += 2) {
            rows.add(List.of(Reading.values()[(int) cells[i][0]].name().toLowerCase(Locale.ROOT),
                    cells[i][1] / MIB + " MiB", Report.f(best[i], 0), cells[i + 1][1] / MIB + " MiB",
                    Report.f(best[i + 1], 0), String.format(Locale.ROOT, "%.3f", best[i + 1] / best[i])));
        }
        System.out.println(Report.table(List.of("path", "small body", "B/call", "large body", "B/call",
                "large / small"), rows));
    }

    /**
     * Live heap per call with {@code calls} calls of {@code path} in flight at once, each {@link #TAIL} bytes short
     * of its {@code bodyBytes} body; checks that every call then gets its whole body.
     */
    static double heapPerCall(Reading path, int calls, long bodyBytes) throws Exception {
        try (HoldingServer server = new HoldingServer(bodyBytes, calls); Caller caller = new Caller(path, server,
                calls)) {
            CountDownLatch go = new CountDownLatch(1);
            CountDownLatch nearEnd = new CountDownLatch(path == Reading.BUFFERED ? 0 : calls);
            AtomicLong received = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < calls; i++) {
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                        received.addAndGet(caller.call(bodyBytes - TAIL, nearEnd));
                    } catch (Exception | Error e) {
                        failures.add(e);
                    }
                }, "heap-call");
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
            long idle = ScaleHarness.usedHeapAfterGc(); // clients built, threads parked, no call yet
            go.countDown();
            if (!server.held.await(120, TimeUnit.SECONDS) || !nearEnd.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException(path + ": not every call reached the end of its body; failures: "
                        + failures);
            }
            long inFlight = ScaleHarness.usedHeapAfterGc();
            server.release.countDown();
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(60));
            }
            if (!failures.isEmpty() || received.get() != calls * bodyBytes) {
                throw new IllegalStateException(path + ": received " + received.get() + " of " + calls * bodyBytes
                        + " bytes; failures: " + failures);
            }
            return (inFlight - idle) / (double) calls;
        }
    }

    /** Makes the calls of one path against the server. */
    private static final class Caller implements Closeable {
        private final Reading path;
        private final String uri;
        private final CloseableHttpClient raw;
        private final Upstream guard;

        Caller(Reading path, HoldingServer server, int calls) {
            this.path = path;
            this.uri = "http://127.0.0.1:" + server.port() + "/big";
            this.raw = path != Reading.RAW_STREAMED ? null : HttpClients.custom().disableAutomaticRetries()
                    .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                            .setMaxConnPerRoute(calls).setMaxConnTotal(calls).build()).build();
            this.guard = path == Reading.RAW_STREAMED ? null : Upstream.builder("heap")
                    .baseUri("http://127.0.0.1:" + server.port())
                    .policy(UpstreamPolicy.builder().maxConcurrentCalls(calls).retry(RetryPolicy.none())
                            .requestTimeout(Duration.ofSeconds(120)).attemptTimeout(Duration.ofSeconds(120))
                            .stallTimeout(Duration.ofSeconds(120)).build()).build();
        }

        /** One call; counts {@code nearEnd} down once {@code mark} bytes were read; the bytes received. */
        long call(long mark, CountDownLatch nearEnd) throws IOException {
            switch (path) {
                case BUFFERED:
                    return guard.execute(ClassicRequestBuilder.get("/big").build()).body().length;
                case STREAMED:
                    try (StreamedResponse r = guard.stream(ClassicRequestBuilder.get("/big").build())) {
                        return drain(r.body(), mark, nearEnd);
                    }
                default:
                    try (ClassicHttpResponse r = raw.executeOpen(null, new HttpGet(uri), null)) {
                        return drain(r.getEntity().getContent(), mark, nearEnd);
                    }
            }
        }

        private static long drain(InputStream in, long mark, CountDownLatch nearEnd) throws IOException {
            byte[] buf = new byte[64 * 1024];
            long n = 0;
            boolean counted = false;
            for (int r; (r = in.read(buf)) >= 0; ) {
                n += r;
                if (!counted && n >= mark) {
                    nearEnd.countDown();
                    counted = true;
                }
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            if (raw != null) {
                raw.close();
            }
            if (guard != null) {
                guard.close();
            }
        }
    }

    /**
     * Answers one GET per connection with {@code bytes} of body (Content-Length), holding the last {@link #TAIL}
     * bytes until {@link #release}; {@link #held} counts the connections waiting there.
     */
    private static final class HoldingServer implements Closeable {
        final CountDownLatch held;
        final CountDownLatch release = new CountDownLatch(1);
        private final byte[] chunk = new byte[TAIL]; // shared by the connections: only calls add heap per call
        private final ServerSocket socket;
        private final List<Socket> open = Collections.synchronizedList(new ArrayList<>());

        HoldingServer(long bytes, int calls) throws IOException {
            held = new CountDownLatch(calls);
            socket = new ServerSocket(0, calls * 2, InetAddress.getLoopbackAddress());
            byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n"
                    + "Content-Length: " + bytes + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            Thread acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        open.add(s);
                        Thread t = new Thread(() -> serve(s, head, bytes), "holding-server-conn");
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "holding-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void serve(Socket s, byte[] head, long bytes) {
            try (s) {
                InputStream in = new BufferedInputStream(s.getInputStream());
                for (int last = 0, b; last != 0x0D0A0D0A; last = last << 8 | b) {
                    if ((b = in.read()) < 0) {
                        return;
                    }
                }
                OutputStream out = s.getOutputStream();
                out.write(head);
                for (long sent = 0; sent < bytes - TAIL; sent += chunk.length) {
                    out.write(chunk, 0, (int) Math.min(chunk.length, bytes - TAIL - sent));
                }
                out.flush();
                held.countDown();
                if (release.await(120, TimeUnit.SECONDS)) {
                    out.write(chunk, 0, TAIL);
                    out.flush();
                }
            } catch (IOException | InterruptedException gone) {
                // the client closed the connection, or the run ended
            }
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            release.countDown();
            socket.close();
            synchronized (open) {
                for (Socket s : open) {
                    s.close();
                }
            }
        }
    }
}
