package dev.upstreamguard.benchmarks.support;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A closed-loop HTTP/1.1 load generator on plain sockets: {@code connections} kept-alive connections to a loopback
 * port, each sending the next request as soon as the previous answer is read. Records every request's latency and
 * counts answers by status. Bounded by time; stops by itself.
 */
public final class LoadGenerator implements AutoCloseable {
    private static final int MAX_SAMPLES_PER_CONNECTION = 2_000_000;

    private final List<Conn> conns = new ArrayList<>();

    /** Opens {@code connections} connections to 127.0.0.1:{@code port}. */
    public LoadGenerator(int port, int connections) throws IOException {
        for (int i = 0; i < connections; i++) {
            conns.add(new Conn(port));
        }
    }

    /** The outcome of one burst. */
    public record Result(long requests, long non2xx, long errors, double seconds, long[] latenciesNanos) {
        public double throughput() {
            return requests / seconds;
        }

        /** Latency percentile in microseconds. */
        public double latencyMicros(double p) {
            return Samples.percentileSorted(latenciesNanos, p) / 1000.0;
        }
    }

    /**
     * Sends {@code GET path} with {@code headers} (CRLF-separated lines, may be empty) on every connection for
     * {@code millis} milliseconds.
     */
    public Result run(String path, String headers, long millis) throws InterruptedException {
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        CountDownLatch done = new CountDownLatch(conns.size());
        long start = System.nanoTime();
        long until = start + millis * 1_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (Conn c : conns) {
            Thread t = new Thread(() -> {
                try {
                    c.loop(request, until);
                } finally {
                    done.countDown();
                }
            }, "load");
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        done.await();
        double seconds = (System.nanoTime() - start) / 1e9;
        long requests = 0;
        long non2xx = 0;
        long errors = 0;
        int samples = 0;
        for (Conn c : conns) {
            requests += c.count;
            non2xx += c.non2xx;
            errors += c.errors;
            samples += c.samples;
        }
        long[] all = new long[samples];
        int at = 0;
        for (Conn c : conns) {
            System.arraycopy(c.latencies, 0, all, at, c.samples);
            at += c.samples;
            c.reset();
        }
        java.util.Arrays.sort(all);
        return new Result(requests, non2xx, errors, seconds, all);
    }

    @Override
    public void close() {
        for (Conn c : conns) {
            c.close();
        }
    }

    /** One kept-alive connection and its counters. Used by one thread at a time. */
    private static final class Conn {
        private final int port;
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        long count;
        long non2xx;
        long errors;
        int samples;
        long[] latencies = new long[1024];
        private final byte[] line = new byte[8192];

        Conn(int port) throws IOException {
            this.port = port;
            open();
        }

        private void open() throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(10_000);
            in = new BufferedInputStream(socket.getInputStream(), 16384);
            out = socket.getOutputStream();
        }

        void reset() {
            count = 0;
            non2xx = 0;
            errors = 0;
            samples = 0;
        }

        void loop(byte[] request, long until) {
            while (System.nanoTime() - until < 0) {
                long t0 = System.nanoTime();
                try {
                    out.write(request);
                    int status = readResponse();
                    long took = System.nanoTime() - t0;
                    count++;
                    if (status < 200 || status > 299) {
                        non2xx++;
                    }
                    record(took);
                } catch (IOException e) {
                    errors++;
                    close();
                    try {
                        open();
                    } catch (IOException reopen) {
                        return;
                    }
                }
            }
        }

        private void record(long took) {
            if (samples == latencies.length) {
                if (samples >= MAX_SAMPLES_PER_CONNECTION) {
                    return;
                }
                latencies = java.util.Arrays.copyOf(latencies, samples * 2);
            }
            latencies[samples++] = took;
        }

        /** Reads one response; returns its status. Supports Content-Length and chunked bodies. */
        private int readResponse() throws IOException {
            String statusLine = readLine();
            int status = Integer.parseInt(statusLine.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            for (String h = readLine(); !h.isEmpty(); h = readLine()) {
                int colon = h.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = h.substring(0, colon).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Long.parseLong(h.substring(colon + 1).trim());
                } else if (name.equalsIgnoreCase("Transfer-Encoding")
                        && h.substring(colon + 1).trim().equalsIgnoreCase("chunked")) {
                    chunked = true;
                }
            }
            if (chunked) {
                for (;;) {
                    String size = readLine();
                    int semi = size.indexOf(';');
                    long n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                    if (n == 0) {
                        while (!readLine().isEmpty()) {
                            // trailers
                        }
                        break;
                    }
                    skip(n);
                    readLine();
                }
            } else if (length > 0) {
                skip(length);
            }
            return status;
        }

        private void skip(long n) throws IOException {
            while (n > 0) {
                long s = in.skip(n);
                if (s <= 0) {
                    if (in.read() < 0) {
                        throw new IOException("end of stream in body");
                    }
                    s = 1;
                }
                n -= s;
            }
        }

        private String readLine() throws IOException {
            int len = 0;
            for (;;) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("end of stream");
                }
                if (b == '\n') {
                    break;
                }
                if (b != '\r' && len < line.length) {
                    line[len++] = (byte) b;
                }
            }
            return new String(line, 0, len, StandardCharsets.ISO_8859_1);
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
