package dev.upstreamguard.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.test.junit.LeakCheck;
import dev.upstreamguard.servlet.UpstreamGuardConfig;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.hc.core5.util.TimeValue;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Upstream A is blackholed while upstream B stays healthy, both under load through the same Jetty, whose 48
 * threads are fewer than A's 48 users: without a bulkhead and a deadline, A would hold every thread and B would
 * starve. A's breaker is off, so that only the bulkhead (16 calls) and the deadline (1 s) protect B. The traffic
 * never changes; A alternates between healthy and blackholed every 3 s, so that B's latency with A healthy (its
 * baseline) and with A blackholed are measured side by side, interleaved, under the same machine noise. B's
 * latencies in the first second of each slice (while the previous slice's calls end) are left out of the
 * comparison, not out of the failure checks. The p99s are compared less the stalls of the whole process (measured
 * by a {@link HiccupMeter}) that each request lived through; both ratios are in the report. Answers later than
 * the deadline + 250 ms are judged the same way.
 */
@Tag("slow")
class IsolationTest {
    private static final Duration PER_CONDITION = Settings.duration("isolation.duration", Duration.ofSeconds(15));
    private static final Duration WARM_UP = Duration.ofSeconds(5);
    private static final long SLICE_NANOS = TimeUnit.SECONDS.toNanos(3);
    private static final long TRANSITION_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Duration DEADLINE = Duration.ofSeconds(1);
    private static final long SLACK_MILLIS = 250;
    private static final int JETTY_THREADS = 48;
    private static final int A_BULKHEAD = 16;
    private static final int A_USERS = 48;
    private static final int B_USERS = 16;
    private static final long A_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long B_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(40);

    /** Closes what a test opened, newest first. */
    @RegisterExtension
    final LeakCheck resources = new LeakCheck((Upstream u) -> u.connectionPoolStats().getLeased());

    @Test
    void blackholedUpstreamNeitherSlowsNorFailsTheHealthyOne() throws Exception {
        FaultyUpstream aServer = resources.track(FaultyUpstream.start(Fault.ok("application/json", Fixtures.JSON_OK)));
        FaultyUpstream bServer = resources.track(FaultyUpstream.start(Fault.ok("application/json", Fixtures.JSON_OK)));
        UpstreamPolicy policy = UpstreamPolicy.builder()
                .requestTimeout(DEADLINE)
                .attemptTimeout(Duration.ofMillis(500))
                .connectTimeout(Duration.ofMillis(250))
                .poolLeaseTimeout(Duration.ofMillis(250))
                .build();
        BulkheadRegistry bulkheads = BulkheadRegistry.ofDefaults();
        Upstream a = resources.track(Upstream.builder("a").baseUri(aServer.baseUri())
                .policy(UpstreamPolicy.from(policy).maxConcurrentCalls(A_BULKHEAD).circuitBreakerEnabled(false).build())
                .bulkheadRegistry(bulkheads)
                .customizeClient(c -> c.evictIdleConnections(TimeValue.ofSeconds(1)))
                .build());
        Bulkhead aBulkhead = bulkheads.bulkhead("a");
        Upstream b = resources.track(Fixtures.upstream("b", bServer.baseUri(), policy));
        GatewayApp app = resources.track(GatewayApp.builder(UpstreamGuardConfig.builder().requestTimeout(DEADLINE).build())
                .threads(JETTY_THREADS, JETTY_THREADS, Duration.ofSeconds(60))
                .route("a", a).route("b", b)
                .start());

        Run warmUp = run(app, aServer, WARM_UP, false, 1);
        app.route("a").resetMax();
        int[] permits = {Integer.MAX_VALUE, Integer.MIN_VALUE}; // fewest and most free permits of A's bulkhead
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> {
            int free = aBulkhead.getMetrics().getAvailableConcurrentCalls();
            permits[0] = Math.min(permits[0], free);
            permits[1] = Math.max(permits[1], free);
        }, 0, 2, TimeUnit.MILLISECONDS);
        Run run;
        try {
            run = run(app, aServer, PER_CONDITION.multipliedBy(2), true, 2);
        } finally {
            sampler.shutdown();
        }
        assertThat(sampler.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        int maxInA = app.route("a").maxInFlight();
        int freeAtEnd = aBulkhead.getMetrics().getAvailableConcurrentCalls();

        double baseP99 = run.bWithAHealthyLessStalls.percentileMillis(0.99);
        double isoP99 = run.bWithABlackholedLessStalls.percentileMillis(0.99);
        double rawRatio = run.bWithABlackholed.percentileMillis(0.99) / run.bWithAHealthy.percentileMillis(0.99);
        double[] stalls = run.stallMillisByCondition();
        ReliabilityReport.section("Isolation")
                .setting("per condition", PER_CONDITION + " (A healthy / blackholed, alternating every 3 s)")
                .setting("Jetty threads", JETTY_THREADS).setting("A bulkhead", A_BULKHEAD)
                .setting("A users", A_USERS + " (one request per 100 ms each)")
                .setting("B users", B_USERS + " (one request per 40 ms each)").setting("deadline", DEADLINE)
                .figure("B answers / failed", run.b.answers.get() + " / " + run.b.failures.problems())
                .figure("B with A healthy (baseline): samples, latency p50 / p99 / max (ms)", summary(run.bWithAHealthy))
                .figure("B with A blackholed: samples, latency p50 / p99 / max (ms)", summary(run.bWithABlackholed))
                .figure("B p99 with A blackholed / baseline p99, as measured", rawRatio)
                .figure("B with A healthy, less process stalls: samples, p50 / p99 / max (ms)",
                        summary(run.bWithAHealthyLessStalls))
                .figure("B with A blackholed, less process stalls: samples, p50 / p99 / max (ms)",
                        summary(run.bWithABlackholedLessStalls))
                .figure("B p99 with A blackholed / baseline p99, less process stalls (asserted <= 2)", isoP99 / baseP99)
                .figure("process stalls over 10 ms, total with A healthy / blackholed (ms)",
                        String.format(Locale.ROOT, "%.0f / %.0f", stalls[0], stalls[1]))
                .figure("A answers by status", run.a.statuses.snapshot())
                .figure("answers later than deadline + 250 ms, A / B", run.a.late.get() + " / " + run.b.late.get())
                .figure("... of which late beyond the process stalls they lived through", run.lateBeyondStalls.problems())
                .figure("A answers not well-formed", run.a.failures.problems())
                .figure("A: samples, latency p50 / p99 / max (ms)", summary(run.a.latency))
                .figure("process stalls (hiccups): longest (ms)", run.hiccups.maxMillis())
                .note("A stall of the whole process (CPU starvation by other work on the machine, a GC pause) delays"
                        + " every request in flight, in whichever slice it falls, and a few of them decide a p99 of a few"
                        + " milliseconds. The asserted ratio subtracts from each B latency the stalls it lived through;"
                        + " a thread-starved B (the failure this test exists for) is not a process stall and stays"
                        + " in full.")
                .figure("most Jetty threads in A's servlet at once (rejections included) / pool size",
                        maxInA + " / " + JETTY_THREADS)
                .figure("A's bulkhead permits in use, most (sampled every 2 ms) / at the end",
                        (A_BULKHEAD - permits[0]) + " / " + (A_BULKHEAD - freeAtEnd))
                .write();

        assertThat(warmUp.a.failures.problems()).as(warmUp.a.failures.problemSummary()).isZero();
        assertThat(warmUp.b.failures.problems()).as(warmUp.b.failures.problemSummary()).isZero();
        assertThat(run.b.failures.problems()).as(run.b.failures.problemSummary()).isZero();
        assertThat(run.bWithABlackholed.count()).as("B answers while A hangs").isPositive();
        assertThat(isoP99).as("B p99 (ms) with A blackholed, baseline %.2f ms", baseP99).isLessThanOrEqualTo(2 * baseP99);
        assertThat(run.a.failures.problems()).as(run.a.failures.problemSummary()).isZero();
        assertThat(run.lateBeyondStalls.problems()).as(run.lateBeyondStalls.problemSummary()).isZero();
        assertThat(warmUp.lateBeyondStalls.problems()).as(warmUp.lateBeyondStalls.problemSummary()).isZero();
        assertThat(run.a.statuses.snapshot()).as("A answered, hung until its deadline, and was rejected beyond its bulkhead")
                .containsKeys("200", "503", "504");
        // The acceptor and the selector hold two of the pool's threads: A never had all the others.
        assertThat(maxInA).as("Jetty threads in A's servlet at once").isLessThan(JETTY_THREADS - 2);
        assertThat(permits[1]).as("free permits of A's bulkhead, most (a released permit too many shows here)")
                .isLessThanOrEqualTo(A_BULKHEAD);
        assertThat(A_BULKHEAD - permits[0]).as("A's bulkhead was full while A hung").isEqualTo(A_BULKHEAD);
        assertThat(freeAtEnd).as("free permits of A's bulkhead at the end").isEqualTo(A_BULKHEAD);
    }

    private static String summary(LatencyHistogram h) {
        return String.format(Locale.ROOT, "%d, %.2f / %.2f / %.2f", h.count(), h.percentileMillis(0.5),
                h.percentileMillis(0.99), h.maxMillis());
    }

    /** What one route's load saw. */
    private static final class RouteRun {
        final LatencyHistogram latency = new LatencyHistogram();
        final AtomicLong answers = new AtomicLong();
        final AtomicLong late = new AtomicLong();
        final Tally statuses = new Tally();
        final Tally failures = new Tally();
    }

    /** One run of the traffic, with A healthy throughout or alternating from healthy to blackholed. */
    private static final class Run {
        final RouteRun a = new RouteRun();
        final RouteRun b = new RouteRun();
        final LateAnswers late = new LateAnswers();
        final LatencyHistogram bWithAHealthy = new LatencyHistogram();
        final LatencyHistogram bWithABlackholed = new LatencyHistogram();
        final LatencyHistogram bWithAHealthyLessStalls = new LatencyHistogram();
        final LatencyHistogram bWithABlackholedLessStalls = new LatencyHistogram();
        final HiccupMeter hiccups = new HiccupMeter("isolation-hiccups");
        final boolean alternating;
        final long startNanos = System.nanoTime();
        /** B's requests: start and duration, judged against the stalls once the run is over. */
        final long[] bStarts;
        final long[] bTook;
        final AtomicInteger bSamples = new AtomicInteger();
        Tally lateBeyondStalls = new Tally();

        Run(boolean alternating, Duration duration) {
            this.alternating = alternating;
            int capacity = (int) (2 * B_USERS * (duration.toNanos() / B_INTERVAL_NANOS + 1));
            bStarts = new long[capacity];
            bTook = new long[capacity];
        }

        /** 0 if A was healthy at {@code nanos}, 1 if blackholed, -1 in the first second of a slice. */
        int condition(long nanos) {
            long offset = nanos - startNanos;
            if (!alternating) {
                return 0;
            }
            return offset % SLICE_NANOS < TRANSITION_NANOS ? -1 : (int) (offset / SLICE_NANOS % 2);
        }

        void recordB(long start, long took) {
            int i = bSamples.getAndIncrement();
            if (i < bStarts.length) {
                bStarts[i] = start;
                bTook[i] = took;
            }
        }

        /**
         * Once the run is over: B's latencies by A's condition when each request started (not in a transition),
         * as measured and less the stalls of the whole process it lived through; A's late answers judged likewise.
         */
        void judge() {
            int n = Math.min(bSamples.get(), bStarts.length);
            for (int i = 0; i < n; i++) {
                int condition = condition(bStarts[i]);
                if (condition < 0) {
                    continue;
                }
                long took = bTook[i];
                long stalled = took > 2_000_000 ? hiccups.stalledNanos(bStarts[i], bStarts[i] + took) : 0;
                (condition == 0 ? bWithAHealthy : bWithABlackholed).record(took);
                (condition == 0 ? bWithAHealthyLessStalls : bWithABlackholedLessStalls)
                        .record(Math.max(0, took - stalled));
            }
            lateBeyondStalls = late.unexplained(hiccups, startNanos);
        }

        /** Total process stall (ms) during the healthy and the blackholed parts of the slices. */
        double[] stallMillisByCondition() {
            double[] total = new double[2];
            hiccups.forEachKept((end, length) -> {
                int condition = condition(end);
                if (condition >= 0) {
                    total[condition] += length / 1e6;
                }
            });
            return total;
        }
    }

    /** A's and B's traffic for {@code duration}; A alternates healthy / blackholed every slice if asked. */
    private static Run run(GatewayApp app, FaultyUpstream aServer, Duration duration, boolean alternating, long seed)
            throws Exception {
        ScheduledExecutorService switcher = Executors.newSingleThreadScheduledExecutor();
        Run run = new Run(alternating, duration);
        if (alternating) {
            long[] slice = {0};
            switcher.scheduleAtFixedRate(() -> aServer.respond(slice[0]++ % 2 == 0
                    ? Fault.ok("application/json", Fixtures.JSON_OK) : Fault.blackhole()),
                    0, SLICE_NANOS, TimeUnit.NANOSECONDS);
        }
        CompletableFuture<Long> aLoad = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                aLoad.complete(load(app, "a", A_USERS, A_INTERVAL_NANOS, run, run.a, duration, seed * 10));
            } catch (Throwable e) {
                aLoad.completeExceptionally(e);
            }
        }, "isolation-a-load");
        t.setDaemon(true);
        t.start();
        try {
            load(app, "b", B_USERS, B_INTERVAL_NANOS, run, run.b, duration, seed * 10 + 1);
            aLoad.get(duration.toSeconds() + 90, TimeUnit.SECONDS);
        } finally {
            switcher.shutdownNow();
            run.hiccups.close();
            aServer.respond(Fault.ok("application/json", Fixtures.JSON_OK));
        }
        run.judge();
        assertThat(switcher.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        return run;
    }

    /**
     * Each of {@code users} users sends one request every {@code intervalNanos} (open loop: a user whose answer
     * came late sends the next at once, without catching up the missed ones).
     */
    private static long load(GatewayApp app, String route, int users, long intervalNanos, Run run, RouteRun counts,
            Duration duration, long seed) throws InterruptedException {
        long[] next = new long[users];
        byte[] request = RawHttpConnection.get("/" + route + "/items", List.of("Accept: application/json"));
        return VirtualUsers.run("isolation-" + route, app.port(), users, duration, 10_000_000L, seed,
                (user, connection, random) -> {
                    long now = System.nanoTime();
                    if (next[user] == 0) {
                        next[user] = now + random.nextLong(intervalNanos); // spread the users over one interval
                    }
                    LockSupport.parkNanos(next[user] - now);
                    next[user] = Math.max(next[user] + intervalNanos, System.nanoTime());
                    oneRequest(connection, route, request, run, counts);
                });
    }

    private static void oneRequest(RawHttpConnection connection, String route, byte[] request, Run run,
            RouteRun counts) {
        long start = System.nanoTime();
        RawResponse r;
        try {
            r = connection.exchange(request, (int) DEADLINE.toMillis() + 5_000);
        } catch (IOException e) {
            counts.failures.problem(route + ": no well-formed answer: " + e);
            return;
        }
        long took = System.nanoTime() - start;
        counts.latency.record(took);
        counts.answers.incrementAndGet();
        counts.statuses.count(Integer.toString(r.status()));
        if (route.equals("b")) {
            run.recordB(start, took);
        }
        List<String> problems = new ArrayList<>(ResponseChecks.problems(r, null));
        if (route.equals("b") && (r.status() != 200 || !r.bodyText().equals(Fixtures.JSON_OK))) {
            problems.add("B failed");
        }
        long allowed = DEADLINE.toNanos() + TimeUnit.MILLISECONDS.toNanos(SLACK_MILLIS);
        if (took > allowed) {
            counts.late.incrementAndGet();
            run.late.add(start, took, allowed, route + ": answered " + r.status());
        }
        if (!problems.isEmpty()) {
            counts.failures.problem(route + ": " + problems + " in " + r);
        }
    }
}
