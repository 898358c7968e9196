package dev.upstreamguard.benchmarks;

import static dev.upstreamguard.benchmarks.Report.f;

import dev.upstreamguard.benchmarks.support.Clients;
import dev.upstreamguard.benchmarks.support.LoopbackUpstream;
import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamPolicy;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hc.client5.http.classic.methods.HttpGet;

/**
 * Section 5: attempts per call against an upstream that always fails, with and without the retry budget. Runs in the
 * runner's own JVM, on loopback only.
 */
final class RetryAmplificationHarness {
    private final Settings settings;

    RetryAmplificationHarness(Settings settings) {
        this.settings = settings;
    }

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
}
