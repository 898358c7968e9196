package dev.upstreamguard.benchmarks;

import static dev.upstreamguard.benchmarks.Report.f;
import static dev.upstreamguard.benchmarks.Report.ratioSpread;

import dev.upstreamguard.benchmarks.support.BlackholeServer;
import dev.upstreamguard.benchmarks.support.Clients;
import dev.upstreamguard.benchmarks.support.LoopbackUpstream;
import dev.upstreamguard.benchmarks.support.Samples;
import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.core.internal.GuardClientFactory;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpGet;

/**
 * Section 6b: concurrency under load, heap per in-flight call and memory per upstream. Runs in the runner's own JVM,
 * on loopback only.
 */
final class ScaleHarness {
    private final Settings settings;

    ScaleHarness(Settings settings) {
        this.settings = settings;
    }

    void scale(Report report) throws Exception {
        System.out.println("6b. scale: concurrency, heap per in-flight call, per upstream");
        List<List<String>> rows = new ArrayList<>();
        com.sun.management.ThreadMXBean threadsBean =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (LoopbackUpstream server = LoopbackUpstream.healthy()) {
            for (int c : new int[] {16, 64, 256}) {
                List<Double> ratios50 = new ArrayList<>();
                List<Double> ratios99 = new ArrayList<>();
                double[][] last = new double[2][];
                try (Clients.Client raw = Clients.create("raw", server.baseUri(), c);
                     Clients.Client guarded = Clients.create("upstream", server.baseUri(), c)) {
                    closedLoop(raw, c, settings.quick() ? 300 : 1000, threadsBean); // warm-up
                    closedLoop(guarded, c, settings.quick() ? 300 : 1000, threadsBean);
                    int pairs = settings.quick() ? 1 : 3;
                    for (int p = 0; p < pairs; p++) {
                        double[] a = closedLoop(p % 2 == 0 ? raw : guarded, c, settings.scaleBurstMillis(),
                                threadsBean);
                        double[] b = closedLoop(p % 2 == 0 ? guarded : raw, c, settings.scaleBurstMillis(),
                                threadsBean);
                        double[] r = p % 2 == 0 ? a : b;
                        double[] g = p % 2 == 0 ? b : a;
                        ratios50.add(g[1] / r[1]);
                        ratios99.add(g[2] / r[2]);
                        last[0] = r;
                        last[1] = g;
                    }
                }
                rows.add(List.of(String.valueOf(c), f(last[0][0], 0), f(last[1][0], 0), f(last[0][1], 0),
                        f(last[1][1], 0), f(last[0][2], 0), f(last[1][2], 0),
                        ratioSpread(Samples.median(ratios50), Samples.min(ratios50), Samples.max(ratios50)),
                        f(last[0][3], 0), f(last[1][3], 0)));
            }
        }
        String concurrencyTable = Report.table(List.of("in-flight calls", "raw calls/s", "Upstream calls/s",
                "raw p50 µs", "Upstream p50 µs", "raw p99 µs", "Upstream p99 µs", "p50 ratio", "raw B/call",
                "Upstream B/call"), rows);

        List<List<String>> heapRows = new ArrayList<>();
        for (int n : settings.quick() ? new int[] {64} : new int[] {16, 64, 256}) {
            // Twice each, alternating, keeping the smaller: a full GC's leftovers only ever add.
            double raw = heapPerInFlight("raw", n);
            double guarded = heapPerInFlight("upstream", n);
            raw = Math.min(raw, heapPerInFlight("raw", n));
            guarded = Math.min(guarded, heapPerInFlight("upstream", n));
            heapRows.add(List.of(String.valueOf(n), f(raw, 0), f(guarded, 0), f(guarded - raw, 0)));
        }
        String heapTable = Report.table(List.of("in-flight calls", "raw HttpClient B/call", "Upstream B/call",
                "Upstream extra B/call"), heapRows);

        List<List<String>> upstreamRows = new ArrayList<>();
        for (int n : new int[] {1, 10, 100}) {
            double[] own = heapPerUpstream(n, false);
            double[] shared = heapPerUpstream(n, true);
            upstreamRows.add(List.of(String.valueOf(n), f(own[0] / 1024.0, 1), f(own[1], 0),
                    f(shared[0] / 1024.0, 1), f(shared[1], 0)));
        }
        String upstreamTable = Report.table(List.of("upstreams", "KiB each (own timer thread)", "threads added",
                "KiB each (shared scheduler)", "threads added"), upstreamRows);

        report.section("""
                ### Under load: callers in flight

                Closed loop over loopback to the Jetty upstream of section 1, with as many caller threads as calls
                in flight (pool and bulkhead sized to match). Raw and Upstream alternate in bursts of %d ms (%s
                pairs); throughput and latency from the last pair, ratio median (min–max) over pairs. B/call is what
                the caller threads allocate per call (thread allocation counters, the measure JMH's GC profiler
                uses; server threads excluded).

                %s
                ### Heap per in-flight call

                Calls parked on an upstream that never answers (attempt budget long enough to stay in flight): live
                heap (the total of a class histogram, taken after a full GC) with all calls in flight, minus the same
                with the client built and the caller threads started but no call made yet, divided by the number of
                calls; the smaller of two measurements each. It includes the connection and its buffers, HttpClient's
                own objects and what the first call loads, so the column to read is the difference.

                %s
                ### Memory per upstream

                `Upstream` instances built, each used once (a refused call), and kept: live heap after a full GC
                (class histogram total), per instance, and threads added. By default each upstream has its own timer thread for attempt
                deadlines (started on first use); a gateway with many upstreams passes one shared `scheduler`.

                %s""".formatted(settings.scaleBurstMillis(), settings.quick() ? "1" : "3", concurrencyTable,
                heapTable, upstreamTable));
    }

    /** Runs {@code c} callers for {@code millis}; returns {calls/s, p50 µs, p99 µs, bytes allocated per call}. */
    private static double[] closedLoop(Clients.Client client, int c, long millis,
            com.sun.management.ThreadMXBean threadsBean) throws Exception {
        long until = System.nanoTime() + millis * 1_000_000L;
        long[][] lat = new long[c][];
        int[] counts = new int[c];
        long[] allocated = new long[c];
        Thread[] threads = new Thread[c];
        CountDownLatch start = new CountDownLatch(1);
        long t0 = System.nanoTime();
        for (int i = 0; i < c; i++) {
            int id = i;
            threads[i] = new Thread(() -> {
                long[] mine = new long[4096];
                int n = 0;
                try {
                    start.await();
                    long before = threadsBean.getCurrentThreadAllocatedBytes();
                    while (System.nanoTime() - until < 0) {
                        long s = System.nanoTime();
                        client.get();
                        if (n == mine.length) {
                            mine = java.util.Arrays.copyOf(mine, n * 2);
                        }
                        mine[n++] = System.nanoTime() - s;
                    }
                    allocated[id] = threadsBean.getCurrentThreadAllocatedBytes() - before;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    lat[id] = mine;
                    counts[id] = n;
                }
            }, "caller");
            threads[i].start();
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        int total = 0;
        long bytes = 0;
        for (int i = 0; i < c; i++) {
            total += counts[i];
            bytes += allocated[i];
        }
        long[] all = new long[total];
        int at = 0;
        for (int i = 0; i < c; i++) {
            System.arraycopy(lat[i], 0, all, at, counts[i]);
            at += counts[i];
        }
        java.util.Arrays.sort(all);
        return new double[] {total / seconds, Samples.percentileSorted(all, 50) / 1000.0,
            Samples.percentileSorted(all, 99) / 1000.0, bytes / (double) Math.max(1, total)};
    }

    /**
     * Bytes of live objects: the total of a class histogram, which runs a full GC first (exact, unlike heap
     * usage figures, which count whole regions). Falls back to heap usage after {@code System.gc()}.
     */
    static long usedHeapAfterGc() throws InterruptedException {
        try {
            Object text = ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "gcClassHistogram", new Object[] {null}, new String[] {String[].class.getName()});
            for (String line : text.toString().split("\n")) {
                if (line.startsWith("Total")) {
                    String[] parts = line.trim().split("\\s+");
                    return Long.parseLong(parts[2]);
                }
            }
        } catch (javax.management.JMException | RuntimeException e) {
            // not HotSpot: fall back below
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            best = Math.min(best, memory.getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    /** Heap per in-flight call of {@code variant} with {@code n} calls parked on a silent upstream. */
    private static double heapPerInFlight(String variant, int n) throws Exception {
        try (BlackholeServer silent = new BlackholeServer()) {
            UpstreamPolicy policy = UpstreamPolicy.builder().maxConcurrentCalls(n)
                    .requestTimeout(Duration.ofSeconds(30)).attemptTimeout(Duration.ofSeconds(30))
                    .retry(dev.upstreamguard.core.retry.RetryPolicy.none()).build();
            // The raw client's response timeout is 3 s: long enough for the measurement below.
            Clients.Client client = variant.equals("raw") ? new Clients.Raw(silent.baseUri(), n)
                    : new Clients.Guarded(silent.baseUri(), policy);
            CountDownLatch go = new CountDownLatch(1);
            CountDownLatch ended = new CountDownLatch(n);
            CountDownLatch release = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                        client.get();
                    } catch (Exception expected) {
                        // the silent upstream is closed below
                    }
                    ended.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "in-flight");
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
            Thread.sleep(100);
            long idle = usedHeapAfterGc(); // the client built, the threads parked, no call yet
            go.countDown();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (silent.connections() < n && System.nanoTime() - until < 0) {
                Thread.sleep(10);
            }
            Thread.sleep(100); // every request written
            long inFlight = usedHeapAfterGc();
            int open = silent.connections();
            silent.close();
            ended.await(10, TimeUnit.SECONDS);
            client.close();
            release.countDown();
            for (Thread t : threads) {
                t.join(5000);
            }
            if (open < n) {
                throw new IllegalStateException("only " + open + " of " + n + " calls were in flight");
            }
            return (inFlight - idle) / (double) n;
        }
    }

    /** {bytes per upstream, threads added per batch} for {@code n} upstreams. */
    private static double[] heapPerUpstream(int n, boolean sharedScheduler) throws Exception {
        ScheduledExecutorService shared = sharedScheduler ? GuardClientFactory.newScheduler("shared") : null;
        if (shared != null) {
            shared.schedule(() -> { }, 0, TimeUnit.MILLISECONDS).get(); // its thread exists before
        }
        long before = usedHeapAfterGc();
        int threadsBefore = Thread.activeCount();
        List<Upstream> upstreams = new ArrayList<>();
        UpstreamPolicy once = UpstreamPolicy.builder().retry(dev.upstreamguard.core.retry.RetryPolicy.none()).build();
        String refused = "http://127.0.0.1:" + BlackholeServer.unusedPort();
        for (int i = 0; i < n; i++) {
            Upstream.Builder b = Upstream.builder("u" + i).baseUri(refused).policy(once);
            if (shared != null) {
                b.scheduler(shared);
            }
            Upstream u = b.build();
            try {
                u.execute(new HttpGet("/")); // one (refused) call: the upstream as it is once in use
            } catch (UpstreamException expected) {
                // nothing listens there
            }
            upstreams.add(u);
        }
        long after = usedHeapAfterGc();
        int threadsAfter = Thread.activeCount();
        for (Upstream u : upstreams) {
            u.close();
        }
        if (shared != null) {
            shared.shutdownNow();
        }
        return new double[] {(after - before) / (double) n, threadsAfter - threadsBefore};
    }
}
