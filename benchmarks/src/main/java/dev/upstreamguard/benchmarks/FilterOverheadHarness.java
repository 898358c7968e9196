package dev.upstreamguard.benchmarks;

import static dev.upstreamguard.benchmarks.Report.f;
import static dev.upstreamguard.benchmarks.Report.ratioSpread;
import static dev.upstreamguard.benchmarks.Report.x;

import dev.upstreamguard.benchmarks.support.GuardedApp;
import dev.upstreamguard.benchmarks.support.LoadGenerator;
import dev.upstreamguard.benchmarks.support.Samples;
import dev.upstreamguard.benchmarks.support.Wrk;
import java.util.ArrayList;
import java.util.List;

/**
 * Section 2: the same app with and without the filter, under wrk or a Java load generator. Runs in the runner's own
 * JVM, on loopback only.
 */
final class FilterOverheadHarness {
    private final Settings settings;

    FilterOverheadHarness(Settings settings) {
        this.settings = settings;
    }

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
}
