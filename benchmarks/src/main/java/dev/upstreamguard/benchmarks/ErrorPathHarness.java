package dev.upstreamguard.benchmarks;

import static dev.upstreamguard.benchmarks.Report.f;

import dev.upstreamguard.benchmarks.support.BlackholeServer;
import dev.upstreamguard.benchmarks.support.GuardedApp;
import dev.upstreamguard.benchmarks.support.LoadGenerator;
import dev.upstreamguard.benchmarks.support.Samples;
import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.core.deadline.Deadline;
import dev.upstreamguard.core.deadline.RequestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hc.client5.http.classic.methods.HttpGet;

/**
 * The error path under real time: an open breaker's answer end to end (3b) and deadline accuracy (4). Runs in the
 * runner's own JVM, on loopback only.
 */
final class ErrorPathHarness {
    private final Settings settings;

    ErrorPathHarness(Settings settings) {
        this.settings = settings;
    }

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
}
