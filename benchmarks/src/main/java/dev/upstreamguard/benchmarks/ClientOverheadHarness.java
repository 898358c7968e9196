package dev.upstreamguard.benchmarks;

import static dev.upstreamguard.benchmarks.Report.f;
import static dev.upstreamguard.benchmarks.Report.ratioSpread;
import static dev.upstreamguard.benchmarks.Report.x;

import dev.upstreamguard.benchmarks.support.Clients;
import dev.upstreamguard.benchmarks.support.LoopbackUpstream;
import dev.upstreamguard.benchmarks.support.Samples;
import java.util.ArrayList;
import java.util.List;

/**
 * Section 1's cross-check: client overhead, the five clients interleaved in slices in one JVM. Runs in the runner's
 * own JVM, on loopback only.
 */
final class ClientOverheadHarness {
    private final Settings settings;

    ClientOverheadHarness(Settings settings) {
        this.settings = settings;
    }

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
}
