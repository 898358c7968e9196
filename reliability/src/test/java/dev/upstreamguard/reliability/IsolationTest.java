package dev.upstreamguard.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.core.testing.Fault;
import dev.upstreamguard.core.testing.FaultServer;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Upstream A is blackholed while upstream B stays healthy, both under load through the same Jetty, whose 48
 * threads are fewer than A's 48 users: without a bulkhead and a deadline, A would hold every thread and B would
 * starve. A's breaker is off, so that only the bulkhead (16 calls) and the deadline (1 s) protect B. The same
 * traffic runs with A healthy (B's baseline) and with A blackholed; measures B's latency in both, and how many
 * Jetty threads A held at once.
 */
@Tag("slow")
class IsolationTest {
    private static final Duration PHASE = Settings.duration("isolation.duration", Duration.ofSeconds(15));
    private static final Duration WARM_UP = Duration.ofSeconds(5);
    private static final Duration DEADLINE = Duration.ofSeconds(1);
    private static final long SLACK_MILLIS = 250;
    private static final int JETTY_THREADS = 48;
    private static final int A_BULKHEAD = 16;
    private static final int A_USERS = 48;
    private static final int B_USERS = 16;
    private static final long A_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long B_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(40);

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    @Test
    void blackholedUpstreamNeitherSlowsNorFailsTheHealthyOne() throws Exception {
        FaultServer aServer = track(FaultServer.start(Fault.ok("application/json", Fixtures.JSON_OK)));
        FaultServer bServer = track(FaultServer.start(Fault.ok("application/json", Fixtures.JSON_OK)));
        UpstreamPolicy policy = UpstreamPolicy.builder()
                .requestTimeout(DEADLINE)
                .attemptTimeout(Duration.ofMillis(500))
                .connectTimeout(Duration.ofMillis(250))
                .poolLeaseTimeout(Duration.ofMillis(250))
                .build();
        BulkheadRegistry bulkheads = BulkheadRegistry.ofDefaults();
        Upstream a = track(Upstream.builder("a").baseUri(aServer.baseUri())
                .policy(UpstreamPolicy.from(policy).maxConcurrentCalls(A_BULKHEAD).circuitBreakerEnabled(false).build())
                .bulkheadRegistry(bulkheads)
                .customizeClient(c -> c.evictIdleConnections(org.apache.hc.core5.util.TimeValue.ofSeconds(1)))
                .build());
        Bulkhead aBulkhead = bulkheads.bulkhead("a");
        Upstream b = track(Fixtures.upstream("b", bServer.baseUri(), policy));
        GatewayApp app = track(GatewayApp.builder(UpstreamGuardConfig.builder().requestTimeout(DEADLINE).build())
                .threads(JETTY_THREADS, JETTY_THREADS, Duration.ofSeconds(60))
                .route("a", a).route("b", b)
                .start());

        // The same traffic in every phase; only A's health changes.
        Phase warmUp = phase(app, WARM_UP, 1);
        Phase baseline = phase(app, PHASE, 2);

        aServer.fault(Fault.blackhole());
        app.route("a").resetMax();
        int[] permits = {Integer.MAX_VALUE, Integer.MIN_VALUE}; // fewest and most free permits of A's bulkhead
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> {
            int free = aBulkhead.getMetrics().getAvailableConcurrentCalls();
            permits[0] = Math.min(permits[0], free);
            permits[1] = Math.max(permits[1], free);
        }, 0, 2, TimeUnit.MILLISECONDS);
        Phase isolation;
        try {
            isolation = phase(app, PHASE, 3);
        } finally {
            sampler.shutdown();
        }
        assertThat(sampler.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        int maxInA = app.route("a").maxInFlight();
        int freeAtEnd = aBulkhead.getMetrics().getAvailableConcurrentCalls();

        double baseP99 = baseline.b.latency.percentileMillis(0.99);
        double isoP99 = isolation.b.latency.percentileMillis(0.99);
        ReliabilityReport.section("Isolation")
                .setting("phase", PHASE).setting("Jetty threads", JETTY_THREADS).setting("A bulkhead", A_BULKHEAD)
                .setting("A users", A_USERS + " (one request per 100 ms each)")
                .setting("B users", B_USERS + " (one request per 40 ms each)").setting("deadline", DEADLINE)
                .figure("B baseline: answers / failed", baseline.b.answers.get() + " / " + baseline.b.failures.problems())
                .figure("B baseline latency p50 / p99 / max (ms)", baseline.b.summary())
                .figure("B with A blackholed: answers / failed", isolation.b.answers.get() + " / " + isolation.b.failures.problems())
                .figure("B with A blackholed latency p50 / p99 / max (ms)", isolation.b.summary())
                .figure("B p99 with A blackholed / baseline p99", isoP99 / baseP99)
                .figure("A answers by status", isolation.a.statuses.snapshot())
                .figure("A answers later than deadline + 250 ms", isolation.a.late.get())
                .figure("A answers not well-formed or late beyond process stalls", isolation.a.failures.problems())
                .figure("process stalls (hiccups): longest in baseline / with A blackholed (ms)", String.format(
                        Locale.ROOT, "%.1f / %.1f", baseline.hiccups.maxMillis(), isolation.hiccups.maxMillis()))
                .figure("A latency p50 / p99 / max (ms)", isolation.a.summary())
                .figure("most Jetty threads in A's servlet at once (rejections included) / pool size",
                        maxInA + " / " + JETTY_THREADS)
                .figure("A's bulkhead permits in use, most (sampled every 2 ms) / at the end",
                        (A_BULKHEAD - permits[0]) + " / " + (A_BULKHEAD - freeAtEnd))
                .write();

        assertThat(warmUp.b.failures.problems()).as(warmUp.b.failures.problemSummary()).isZero();
        assertThat(baseline.a.failures.problems()).as(baseline.a.failures.problemSummary()).isZero();
        assertThat(baseline.b.failures.problems()).as(baseline.b.failures.problemSummary()).isZero();
        assertThat(isolation.b.failures.problems()).as(isolation.b.failures.problemSummary()).isZero();
        assertThat(isolation.b.answers.get()).as("B answers while A hangs").isPositive();
        assertThat(isoP99).as("B p99 (ms) with A blackholed, baseline %.2f ms", baseP99).isLessThanOrEqualTo(2 * baseP99);
        assertThat(isolation.a.failures.problems()).as(isolation.a.failures.problemSummary()).isZero();
        assertThat(isolation.a.statuses.snapshot()).as("A was blackholed and rejected beyond its bulkhead")
                .containsKeys("503", "504").doesNotContainKey("200");
        // The acceptor and the selector hold two of the pool's threads: A never had all the others.
        assertThat(maxInA).as("Jetty threads in A's servlet at once").isLessThan(JETTY_THREADS - 2);
        assertThat(permits[1]).as("free permits of A's bulkhead, most (a released permit too many shows here)")
                .isLessThanOrEqualTo(A_BULKHEAD);
        assertThat(A_BULKHEAD - permits[0]).as("A's bulkhead was full while A hung").isEqualTo(A_BULKHEAD);
        assertThat(freeAtEnd).as("free permits of A's bulkhead at the end").isEqualTo(A_BULKHEAD);
    }

    /** What one route's load saw. */
    private static final class RouteRun {
        final LatencyHistogram latency = new LatencyHistogram();
        final AtomicLong answers = new AtomicLong();
        final AtomicLong late = new AtomicLong();
        final Tally statuses = new Tally();
        final Tally failures = new Tally();

        String summary() {
            return String.format(Locale.ROOT, "%.2f / %.2f / %.2f", latency.percentileMillis(0.5),
                    latency.percentileMillis(0.99), latency.maxMillis());
        }
    }

    private static final class Phase {
        final RouteRun a = new RouteRun();
        final RouteRun b = new RouteRun();
        final HiccupMeter hiccups = new HiccupMeter("isolation-hiccups");
    }

    /** A's and B's load at once, for {@code duration}. */
    private static Phase phase(GatewayApp app, Duration duration, long seed) throws Exception {
        Phase phase = new Phase();
        CompletableFuture<Long> a = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                a.complete(load(app, "a", A_USERS, A_INTERVAL_NANOS, phase, phase.a, duration, seed * 10));
            } catch (Throwable e) {
                a.completeExceptionally(e);
            }
        }, "isolation-a-load");
        t.setDaemon(true);
        t.start();
        try {
            load(app, "b", B_USERS, B_INTERVAL_NANOS, phase, phase.b, duration, seed * 10 + 1);
            a.get(duration.toSeconds() + 90, TimeUnit.SECONDS);
        } finally {
            phase.hiccups.close();
        }
        return phase;
    }

    /**
     * Each of {@code users} users sends one request every {@code intervalNanos} (open loop: a user whose answer
     * came late sends the next at once, without catching up the missed ones).
     */
    private static long load(GatewayApp app, String route, int users, long intervalNanos, Phase phase, RouteRun run,
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
                    oneRequest(connection, route, request, phase.hiccups, run);
                });
    }

    private static void oneRequest(RawHttpConnection connection, String route, byte[] request, HiccupMeter hiccups,
            RouteRun run) {
        long start = System.nanoTime();
        RawResponse r;
        try {
            r = connection.exchange(request, (int) DEADLINE.toMillis() + 5_000);
        } catch (IOException e) {
            run.failures.problem(route + ": no well-formed answer: " + e);
            return;
        }
        long took = System.nanoTime() - start;
        run.latency.record(took);
        run.answers.incrementAndGet();
        run.statuses.count(Integer.toString(r.status()));
        List<String> problems = new ArrayList<>(ResponseChecks.problems(r, null));
        if (route.equals("b") && (r.status() != 200 || !r.bodyText().equals(Fixtures.JSON_OK))) {
            problems.add("B failed");
        }
        long late = took - DEADLINE.toNanos() - TimeUnit.MILLISECONDS.toNanos(SLACK_MILLIS);
        if (late > 0) {
            // Late by the code only beyond the stalls of the whole process that the request lived through.
            long stalled = hiccups.stalledNanos(start, start + took);
            run.late.incrementAndGet();
            if (late > stalled) {
                problems.add("answered after " + took / 1_000_000 + " ms, process stalled " + stalled / 1_000_000
                        + " ms meanwhile");
            }
        }
        if (!problems.isEmpty()) {
            run.failures.problem(route + ": " + problems + " in " + r);
        }
    }
}
