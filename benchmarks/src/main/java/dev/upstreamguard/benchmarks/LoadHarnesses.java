package dev.upstreamguard.benchmarks;

import static dev.upstreamguard.benchmarks.Report.f;
import static dev.upstreamguard.benchmarks.Report.ratioSpread;
import static dev.upstreamguard.benchmarks.Report.x;

import dev.upstreamguard.benchmarks.support.BlackholeServer;
import dev.upstreamguard.benchmarks.support.Clients;
import dev.upstreamguard.benchmarks.support.GuardedApp;
import dev.upstreamguard.benchmarks.support.LoadGenerator;
import dev.upstreamguard.benchmarks.support.LoopbackUpstream;
import dev.upstreamguard.benchmarks.support.Samples;
import dev.upstreamguard.benchmarks.support.Wrk;
import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.core.deadline.Deadline;
import dev.upstreamguard.core.deadline.RequestContext;
import dev.upstreamguard.core.internal.GuardClientFactory;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hc.client5.http.classic.methods.HttpGet;

/** The harnesses that need real load, real time or a heap: run in the runner's own JVM, on loopback only. */
final class LoadHarnesses {
    private final Settings settings;

    LoadHarnesses(Settings settings) {
        this.settings = settings;
    }

    // ---------------------------------------------------------------- 1c. client overhead, interleaved finely

    void clientInterleaved(Report report) throws Exception {
        System.out.println("1. cross-check: client overhead interleaved in one JVM");
        List<String> variants = JmhSuites.CLIENTS;
        int rounds = settings.quick() ? 2 : 24;
        long sliceMillis = settings.quick() ? 100 : 250;
        List<List<Double>> r50 = new ArrayList<>();
        List<List<Double>> r99 = new ArrayList<>();
        List<List<Double>> p50 = new ArrayList<>();
        List<List<Double>> p99 = new ArrayList<>();
        for (int i = 0; i < variants.size(); i++) {
            r50.add(new ArrayList<>());
            r99.add(new ArrayList<>());
            p50.add(new ArrayList<>());
            p99.add(new ArrayList<>());
        }
        try (LoopbackUpstream server = LoopbackUpstream.healthy()) {
            List<Clients.Client> clients = new ArrayList<>();
            try {
                for (String v : variants) {
                    clients.add(Clients.create(v, server.baseUri(), 64));
                }
                for (Clients.Client c : clients) {
                    slice(c, settings.quick() ? 500 : 3000); // warm-up
                }
                for (int round = 0; round < rounds; round++) {
                    double[][] stats = new double[variants.size()][];
                    for (int k = 0; k < variants.size(); k++) {
                        int i = (k + round) % variants.size(); // rotate the order
                        stats[i] = slice(clients.get(i), sliceMillis);
                    }
                    for (int i = 0; i < variants.size(); i++) {
                        p50.get(i).add(stats[i][0]);
                        p99.get(i).add(stats[i][1]);
                        r50.get(i).add(stats[i][0] / stats[0][0]);
                        r99.get(i).add(stats[i][1] / stats[0][1]);
                    }
                }
            } finally {
                for (Clients.Client c : clients) {
                    c.close();
                }
            }
        }
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < variants.size(); i++) {
            rows.add(List.of(JmhSuites.label(variants.get(i)), f(Samples.median(p50.get(i)), 1),
                    f(Samples.median(p99.get(i)), 1),
                    ratioSpread(Samples.median(r50.get(i)), Samples.min(r50.get(i)), Samples.max(r50.get(i))),
                    ratioSpread(Samples.median(r99.get(i)), Samples.min(r99.get(i)), Samples.max(r99.get(i)))));
        }
        double up50 = Samples.median(r50.get(1));
        double up99 = Samples.median(r99.get(1));
        report.section("""
                ### Cross-check: the same comparison, interleaved in one JVM

                A cross-check of section 1 that is less sensitive to a noisy machine: all five clients live in one
                JVM against one Jetty upstream and take turns in slices of %d ms (every call timed), the order
                rotating each round; %d rounds. Each round's p50 and p99 are divided by the raw client's of the same
                round; the table shows the median (min–max) of those ratios, and the median latencies.

                %s""".formatted(sliceMillis, rounds, Report.table(List.of("variant", "p50 µs", "p99 µs",
                "p50 / raw", "p99 / raw"), rows)));
        report.check("client overhead", "Upstream p50 <= 1.02x raw (cross-check, one JVM)", x(up50),
                up50 <= 1.02);
        report.check("client overhead", "Upstream p99 <= 1.10x raw (cross-check, one JVM)", x(up99),
                up99 <= 1.10);
    }

    /** Calls {@code c} back to back for {@code millis}; {p50 µs, p99 µs}. */
    private static double[] slice(Clients.Client c, long millis) throws Exception {
        long[] lat = new long[1 << 16];
        int n = 0;
        long until = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() - until < 0 && n < lat.length) {
            long s = System.nanoTime();
            c.get();
            lat[n++] = System.nanoTime() - s;
        }
        long[] sorted = java.util.Arrays.copyOf(lat, n);
        java.util.Arrays.sort(sorted);
        return new double[] {Samples.percentileSorted(sorted, 50) / 1000.0,
            Samples.percentileSorted(sorted, 99) / 1000.0};
    }

    // ---------------------------------------------------------------- 2. filter overhead

    /** One burst of load on one path: throughput and latency percentiles. */
    private record Burst(double requestsPerSecond, double p50Micros, double p99Micros) {
    }

    /** Runs one burst of load on {@code path}. */
    @FunctionalInterface
    private interface LoadRun {
        Burst run(String path) throws Exception;
    }

    void filterOverhead(Report report, GuardedApp app) throws Exception {
        int connections = 16;
        Wrk wrk = Wrk.find();
        if (wrk != null) {
            System.out.println("2. filter overhead (wrk, " + connections + " connections)");
            int seconds = Math.max(1, settings.loadBurstMillis() / 1000);
            String base = "http://127.0.0.1:" + app.port();
            wrk.run(base + "/plain/hello", connections, settings.quick() ? 1 : 3); // warm-up, both paths
            wrk.run(base + "/guarded/hello", connections, settings.quick() ? 1 : 3);
            int pairs = settings.quick() ? 2 : 2 * settings.loadPairs();
            filterPairs(report, pairs, """
                    Load from wrk (one thread, %d kept-alive connections, its own process), at saturation: the 2
                    cores are shared by server and load. %d pairs of %d s runs""".formatted(connections, pairs,
                    seconds), path -> {
                        Wrk.Result r = wrk.run(base + path, connections, seconds);
                        return new Burst(r.requestsPerSecond(), r.p50Micros(), r.p99Micros());
                    });
            return;
        }
        System.out.println("2. filter overhead (Java load generator, " + connections
                + " connections; install wrk for a steadier figure)");
        try (LoadGenerator load = new LoadGenerator(app.port(), connections)) {
            load.run("/plain/hello", "", settings.quick() ? 500 : 3000); // warm-up, both paths
            load.run("/guarded/hello", "", settings.quick() ? 500 : 3000);
            filterPairs(report, settings.loadPairs(), """
                    A Java closed-loop load generator in the same JVM (wrk was not installed) keeps %d kept-alive
                    connections busy (saturation: the 2 cores are shared by server and load). %d pairs of %d ms
                    bursts""".formatted(connections, settings.loadPairs(), settings.loadBurstMillis()), path -> {
                        LoadGenerator.Result r = load.run(path, "", settings.loadBurstMillis());
                        check(r, 0);
                        return new Burst(r.throughput(), r.latencyMicros(50), r.latencyMicros(99));
                    });
        }
    }

    /** Alternates bursts on /plain and /guarded in {@code pairs} pairs and writes section 2 with the ratios. */
    private static void filterPairs(Report report, int pairs, String howLoaded, LoadRun load) throws Exception {
        List<Double> ratios = new ArrayList<>();
        List<Burst> plain = new ArrayList<>();
        List<Burst> guarded = new ArrayList<>();
        for (int pair = 0; pair < pairs; pair++) {
            boolean plainFirst = pair % 2 == 0; // alternate, so that drift favours neither
            Burst a = load.run(plainFirst ? "/plain/hello" : "/guarded/hello");
            Burst b = load.run(plainFirst ? "/guarded/hello" : "/plain/hello");
            plain.add(plainFirst ? a : b);
            guarded.add(plainFirst ? b : a);
            ratios.add(guarded.get(pair).requestsPerSecond() / plain.get(pair).requestsPerSecond());
        }
        double ratio = Samples.median(ratios);
        report.section("""
                ## 2. Filter overhead: the same app with and without the filter

                One Jetty 12 (ee10) server on 127.0.0.1 with two contexts serving the same zero-work servlet (it
                writes "ok"): `/plain` without a filter and `/guarded` behind `UpstreamGuardFilter` (default
                configuration: correlation ID generated for each request, MDC, deadline, request context, response
                header, request and response wrappers). %s, the order alternating within pairs; ratio = guarded /
                plain throughput within each pair, median (min–max); latencies are medians over the runs.

                %s""".formatted(howLoaded,
                Report.table(List.of("path", "requests/s (median)", "p50 µs", "p99 µs", "throughput ratio"),
                        List.of(row("/plain (no filter)", plain, "1"),
                                row("**/guarded (filter)**", guarded,
                                        ratioSpread(ratio, Samples.min(ratios), Samples.max(ratios)))))));
        report.check("filter", "throughput with filter >= 0.98 of without", x(ratio), ratio >= 0.98);
    }

    private static List<String> row(String label, List<Burst> bursts, String ratio) {
        return List.of(label, f(Samples.median(bursts.stream().map(Burst::requestsPerSecond).toList()), 0),
                f(Samples.median(bursts.stream().map(Burst::p50Micros).toList()), 0),
                f(Samples.median(bursts.stream().map(Burst::p99Micros).toList()), 0), ratio);
    }

    private static void check(LoadGenerator.Result r, long expectedNon2xx) {
        if (r.errors() > 0 || (expectedNon2xx == 0 && r.non2xx() > 0)) {
            throw new IllegalStateException("load run saw " + r.errors() + " I/O errors and " + r.non2xx()
                    + " non-2xx answers");
        }
    }

    // ---------------------------------------------------------------- 3b. open breaker end to end

    void openBreaker(Report report, GuardedApp app) throws Exception {
        System.out.println("3b. open-breaker answer end to end");
        List<List<String>> rows = new ArrayList<>();
        double worstP99 = 0;
        try (LoadGenerator one = new LoadGenerator(app.port(), 1)) {
            String[][] variants = {
                {"healthy request through the filter (reference)", "/guarded/hello", ""},
                {"open breaker, HTML page (browser `Accept`)", "/broken/items",
                    "Accept: text/html,application/xhtml+xml,*/*;q=0.8\r\n"},
                {"open breaker, application/problem+json", "/broken/items", "Accept: application/problem+json\r\n"},
                {"open breaker, no Accept (default: HTML)", "/broken/items", ""},
            };
            for (String[] v : variants) {
                one.run(v[1], v[2], settings.quick() ? 300 : 2000); // warm-up
            }
            for (String[] v : variants) {
                LoadGenerator.Result r = one.run(v[1], v[2], settings.quick() ? 500 : 3000);
                if (r.errors() > 0) {
                    throw new IllegalStateException("I/O errors on " + v[1]);
                }
                boolean broken = v[1].startsWith("/broken");
                if (broken && r.non2xx() != r.requests()) {
                    throw new IllegalStateException("expected 503 answers on " + v[1]);
                }
                if (broken) {
                    worstP99 = Math.max(worstP99, r.latencyMicros(99));
                }
                rows.add(List.of(v[0], String.valueOf(r.requests()), f(r.latencyMicros(50), 0),
                        f(r.latencyMicros(99), 0), f(r.latencyMicros(99.9), 0), f(r.latencyMicros(100), 0)));
            }
        }
        report.section("""
                ### An open breaker's answer, end to end

                A servlet behind the filter calls an `Upstream` whose breaker is open; the filter answers 503 with
                `Proxy-Status`, `Retry-After` and the page. One kept-alive connection, requests back to back, latency
                from the request's first byte written to the answer's last byte read. Logging on as in production:
                core's INFO line per rejection and the filter's WARN line per error page go to a file appender.

                %s""".formatted(Report.table(List.of("request", "answers", "p50 µs", "p99 µs", "p99.9 µs", "max µs"),
                rows)));
        report.check("error path", "open-breaker answer p99 < 1 ms end to end", f(worstP99, 0) + " µs (worst "
                + "representation)", worstP99 < 1000);
    }

    // ---------------------------------------------------------------- 4. deadline accuracy

    void deadlineAccuracy(Report report) throws Exception {
        System.out.println("4. deadline accuracy (blackholed upstream, 500 ms deadline)");
        int concurrency = settings.quick() ? 16 : 32;
        int total = settings.deadlineSamples();
        long[] lateMicros = new long[total];
        AtomicLong wrongKind = new AtomicLong();
        // The breaker is off here: with it on, the timeouts would open it and later calls would be rejected at
        // once, which says nothing about how well a deadline is kept.
        UpstreamPolicy policy = UpstreamPolicy.builder().circuitBreakerEnabled(false).build();
        try (BlackholeServer blackhole = new BlackholeServer();
             Upstream upstream = Upstream.builder("stuck").baseUri(blackhole.baseUri()).policy(policy).build()) {
            ExecutorService pool = Executors.newFixedThreadPool(concurrency);
            try {
                List<Future<Long>> futures = new ArrayList<>();
                for (int i = 0; i < total; i++) {
                    futures.add(pool.submit(() -> {
                        // What the filter does for each incoming request: a deadline, attached to the thread.
                        Deadline deadline = Deadline.after(Duration.ofMillis(500));
                        long start = System.nanoTime();
                        try (RequestContext.Scope ignored = RequestContext.of(null, deadline, null).attach()) {
                            upstream.execute(new HttpGet("/slow"));
                            wrongKind.incrementAndGet();
                        } catch (UpstreamException e) {
                            if (e.status() != 504) {
                                wrongKind.incrementAndGet();
                            }
                        }
                        return (System.nanoTime() - start) / 1000 - 500_000;
                    }));
                }
                for (int i = 0; i < total; i++) {
                    lateMicros[i] = futures.get(i).get();
                }
            } finally {
                pool.shutdownNow();
            }
        }
        java.util.Arrays.sort(lateMicros);
        double p50 = Samples.percentileSorted(lateMicros, 50) / 1000.0;
        double p99 = Samples.percentileSorted(lateMicros, 99) / 1000.0;
        report.section("""
                ## 4. Deadline accuracy

                An upstream that accepts the connection, reads the request and never answers. Each call runs under a
                500 ms request deadline attached as the filter attaches it (default policy otherwise, breaker off so
                that every call waits for its deadline: attempt timeout 3 s, so the deadline is what cuts the
                attempt, via the attempt watchdog). %d calls, %d at a time.
                Lateness = time from opening the deadline to the `UpstreamException` in the caller's hands, minus
                500 ms.

                %s
                Every call ended in a 504 (`http_response_timeout`)%s. A lateness slightly below zero is
                HttpClient's per-read socket timeout, which is the budget in whole milliseconds and so can end the
                wait up to a millisecond before the watchdog would.
                """.formatted(total, concurrency,
                Report.table(List.of("lateness", "min", "p50", "p90", "p99", "max"),
                        List.of(List.of("ms after the deadline", f(lateMicros[0] / 1000.0, 2), f(p50, 2),
                                f(Samples.percentileSorted(lateMicros, 90) / 1000.0, 2), f(p99, 2),
                                f(lateMicros[total - 1] / 1000.0, 2)))),
                wrongKind.get() == 0 ? "" : " except " + wrongKind.get() + " (see the log)"));
        report.check("deadline", "answer p99 < 50 ms after a 500 ms deadline", f(p99, 2) + " ms",
                p99 < 50 && wrongKind.get() == 0);
    }

    // ---------------------------------------------------------------- 5. retry amplification

    void retryAmplification(Report report) throws Exception {
        System.out.println("5. retry amplification (100%-failing upstream)");
        int threads = 16;
        long millis = settings.retrySeconds() * 1000L;
        List<List<String>> rows = new ArrayList<>();
        double budgeted = Double.NaN;
        double naive = Double.NaN;
        long budgetedCalls = 0;
        String[] variants = {"budget", "default", "naive"};
        for (String v : variants) {
            try (LoopbackUpstream failing = LoopbackUpstream.failing(503)) {
                Callable<Object> call;
                AutoCloseable closer;
                switch (v) {
                    case "budget", "default" -> {
                        UpstreamPolicy policy = v.equals("budget")
                                ? UpstreamPolicy.builder().circuitBreakerEnabled(false).build()
                                : UpstreamPolicy.ofDefaults();
                        Upstream u = Upstream.builder("failing").baseUri(failing.baseUri()).policy(policy).build();
                        call = () -> u.execute(new HttpGet("/ok"));
                        closer = u;
                    }
                    default -> {
                        Clients.Raw raw = new Clients.Raw(failing.baseUri(), 64);
                        Retry retry = Retry.of("naive", RetryConfig.custom().maxAttempts(3)
                                .waitDuration(Duration.ofMillis(50)).build());
                        call = Retry.decorateCallable(retry, raw::get);
                        closer = raw;
                    }
                }
                AtomicLong calls = new AtomicLong();
                long until = System.nanoTime() + millis * 1_000_000L;
                ExecutorService pool = Executors.newFixedThreadPool(threads);
                CountDownLatch done = new CountDownLatch(threads);
                for (int t = 0; t < threads; t++) {
                    pool.execute(() -> {
                        try {
                            while (System.nanoTime() - until < 0) {
                                try {
                                    call.call();
                                } catch (Exception expected) {
                                    // every call fails: that is the point
                                }
                                calls.incrementAndGet();
                            }
                        } finally {
                            done.countDown();
                        }
                    });
                }
                done.await();
                pool.shutdown();
                closer.close();
                double perCall = failing.requests() / (double) calls.get();
                if (v.equals("budget")) {
                    budgeted = perCall;
                    budgetedCalls = calls.get();
                } else if (v.equals("naive")) {
                    naive = perCall;
                }
                rows.add(List.of(switch (v) {
                    case "budget" -> "**Upstream, default retry policy and budget** (breaker off, to isolate retries)";
                    case "default" -> "Upstream, full default policy (breaker on)";
                    default -> "naive: resilience4j Retry, 3 attempts, 50 ms wait, no budget";
                }, f(calls.get(), 0), f(failing.requests(), 0), f(perCall, 4)));
            }
        }
        report.section("""
                ## 5. Retry amplification

                An upstream answering 503 (no `Retry-After`) to everything; %d threads call it in a closed loop for
                %d s each. Attempts per call = requests the upstream received / calls made. The default retry policy
                is 3 attempts with jittered backoff on 502/503/504, capped by the retry budget (20%% of the requests
                of the last 10 s plus a floor of 1 retry per second, i.e. 10 per window): at most 1.2 + 10 / calls
                attempts per call over a run shorter than the window.

                %s
                With the breaker on, most calls are rejected without reaching the upstream once it opens, so fewer
                than one attempt per call reaches it.
                """.formatted(threads, settings.retrySeconds(), Report.table(List.of("client", "calls",
                "upstream requests", "attempts per call"), rows)));
        // The budget allows 20% of the window's requests plus a floor of 1 retry per second (10 per 10 s window):
        // over a run shorter than the window that is 1.2 + 10 / calls attempts per call at most.
        double bound = 1.2 + 10.0 / Math.max(1, budgetedCalls);
        report.check("retries", "attempts per call with the default budget <= 1.2 (naive 3.0)",
                f(budgeted, 4) + " (bound with the 10-retry floor: " + f(bound, 4) + ") vs naive " + f(naive, 3),
                budgeted <= bound + 1e-9);
    }

    // ---------------------------------------------------------------- 6b. scale under load

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
