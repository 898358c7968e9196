package dev.upstreamguard.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.test.junit.LeakCheck;
import dev.upstreamguard.servlet.UpstreamGuardConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Mixed traffic at concurrency 64 against the gateway (filter + core) whose upstreams draw from the whole fault
 * catalogue: a healthy upstream, a refused port, and one raw-socket upstream whose fault changes every 100 ms
 * (reset, close, blackhole, slow headers, trickle, truncated and broken bodies, garbage, invalid status lines,
 * oversized headers, bad gzip, stale keep-alive, 5xx, healthy), reached through an upstream without a breaker
 * and one with. Each request carries its own deadline. Asserts, for every request, a well-formed answer within
 * its deadline + 250 ms (beyond any stall of the whole process it lived through, measured by a {@link HiccupMeter}
 * and reported), and at the end: heap after GC within 10% of the start, no leased connection, threads back to the
 * baseline.
 */
@Tag("slow")
class SoakTest {
    private static final Duration DURATION = Settings.duration("soak.duration", Duration.ofSeconds(60));
    private static final int CONCURRENCY = Settings.integer("soak.concurrency", 64);
    private static final long SEED = Settings.number("soak.seed", 20261124L);
    /** Each user pauses a random 0..THINK between answers: 64 users, not a CPU-saturating flood. */
    private static final Duration THINK = Settings.duration("soak.think", Duration.ofMillis(100));
    private static final Duration WARM_UP = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    private static final long SLACK_MILLIS = 250;
    private static final int[] DEADLINES_MS = {300, 700, 1200, 0}; // 0: no header, the filter's 2 s
    private static final String[] ROUTES = {"healthy", "chaos", "guarded", "refused"};
    private static final int[] ROUTE_WEIGHTS = {30, 40, 15, 15};
    private static final Map<String, String> ACCEPT = acceptTable();
    private static final Pattern ERROR_TYPE = Pattern.compile("error=([a-z_]+)");
    private static final Pattern RECEIVED = Pattern.compile("received-status=([0-9]+)");

    /** Closes what a test opened, newest first. */
    @RegisterExtension
    final LeakCheck resources = new LeakCheck((Upstream u) -> u.connectionPoolStats().getLeased());

    /** Accept header sent -> media type the error page must have (null: no Accept header). */
    private static Map<String, String> acceptTable() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("text/html", "text/html");
        m.put("application/json", "application/problem+json");
        m.put("application/problem+json", "application/problem+json");
        m.put("text/plain", "text/plain");
        m.put("*/*", "application/problem+json");
        m.put("text/html;q=0.5, text/plain", "text/plain");
        m.put("none", "application/problem+json");
        return m;
    }

    @Test
    void mixedTrafficOverTheWholeFaultCatalogueIsAnsweredInTimeAndLeavesNothingBehind() throws Exception {
        FaultyUpstream healthyServer = resources.track(FaultyUpstream.start(Fault.ok("application/json", Fixtures.JSON_OK)));
        FaultyUpstream chaosServer = resources.track(FaultyUpstream.start(Fault.ok("application/json", Fixtures.JSON_OK)));
        UpstreamPolicy policy = UpstreamPolicy.builder()
                .requestTimeout(REQUEST_TIMEOUT)
                .attemptTimeout(Duration.ofMillis(800))
                .connectTimeout(Duration.ofMillis(250))
                .poolLeaseTimeout(Duration.ofMillis(250))
                .idleTimeout(Duration.ofSeconds(2))
                .build();
        UpstreamPolicy withoutBreaker = UpstreamPolicy.from(policy).circuitBreakerEnabled(false).build();
        Map<String, Upstream> upstreams = new LinkedHashMap<>();
        upstreams.put("healthy", Fixtures.upstream("healthy", healthyServer.baseUri(), policy));
        upstreams.put("chaos", Fixtures.upstream("chaos", chaosServer.baseUri(), withoutBreaker));
        upstreams.put("guarded", Fixtures.upstream("guarded", chaosServer.baseUri(), policy));
        upstreams.put("refused", Fixtures.upstream("refused", "http://127.0.0.1:" + FaultyUpstream.refusedPort(),
                withoutBreaker));
        upstreams.values().forEach(resources::track);
        GatewayApp.Builder builder = GatewayApp.builder(UpstreamGuardConfig.builder()
                        .requestTimeout(REQUEST_TIMEOUT)
                        .trustDeadlineHeader(true)
                        .siteName("Reliability soak")
                        .build())
                .threads(96, 200, Duration.ofSeconds(1)); // 64 users never wait for Jetty to start a thread
        upstreams.forEach(builder::route);
        GatewayApp app = resources.track(builder.start());

        Run warmUp = new Run();
        load(app, chaosServer, warmUp, WARM_UP, SEED - 1);
        fillRequestRecords(chaosServer);
        fillRequestRecords(healthyServer);
        settle(app, upstreams);
        long heapBefore = JvmSnapshot.settledHeapUsed();
        Map<String, Integer> threadsBefore = JvmSnapshot.threadGroups();
        JvmSnapshot.writeClassHistogram("soak-heap-start");

        Run run = new Run();
        long[] gcBefore = gc();
        long started = System.nanoTime();
        long requests = load(app, chaosServer, run, DURATION, SEED);
        double seconds = (System.nanoTime() - started) / 1e9;
        long[] gcAfter = gc();

        settle(app, upstreams);
        Map<String, Integer> threadsAfter = awaitThreadsBackTo(threadsBefore);
        long heapAfter = JvmSnapshot.settledHeapUsed();
        JvmSnapshot.writeClassHistogram("soak-heap-end");
        Map<String, Integer> leased = new LinkedHashMap<>();
        upstreams.forEach((name, u) -> leased.put(name, u.connectionPoolStats().getLeased()));

        ReliabilityReport.Section report = ReliabilityReport.section("Soak")
                .setting("duration", DURATION).setting("concurrency", CONCURRENCY + " users")
                .setting("think time", "0.." + THINK.toMillis() + " ms").setting("seed", SEED)
                .setting("deadlines (ms)", "300 / 700 / 1200 / 2000 (none sent)").setting("slack", SLACK_MILLIS + " ms")
                .figure("requests", requests)
                .figure("requests per second", requests / seconds)
                .figure("answers that were not well-formed", run.tally.problems())
                .figure("answers later than deadline + 250 ms", run.late.total())
                .figure("... of which late beyond the process stalls they lived through (asserted 0)",
                        run.lateBeyondStalls.problems())
                .figure("worst latency minus deadline (ms)", run.worstMarginNanos.get() / 1e6)
                .figure("GC pauses during the run: count / total ms", gcAfter[0] - gcBefore[0] + " / " + (gcAfter[1] - gcBefore[1]))
                .figure("platform hiccups: longest (ms) / over 100 ms", String.format(java.util.Locale.ROOT,
                        "%.1f / %d", run.hiccups.maxMillis(), run.hiccups.over100ms()))
                .figure("warm-up (" + WARM_UP.toSeconds() + " s, not timed): answers later than deadline + 250 ms",
                        warmUp.late.total());
        for (String route : ROUTES) {
            LatencyHistogram h = run.latency.get(route);
            report.figure(route + ": answers by status", statuses(run.tally, route))
                    .figure(route + ": latency p50 / p99 / max (ms)", String.format(java.util.Locale.ROOT,
                            "%.1f / %.1f / %.1f", h.percentileMillis(0.5), h.percentileMillis(0.99), h.maxMillis()));
        }
        report.figure("Proxy-Status errors seen", run.errorTypes.snapshot())
                .figure("fault switches of the chaos upstream", run.switches.get())
                .figure("attempts received by the fault servers", healthyServer.requestsReceived() + chaosServer.requestsReceived())
                .figure("heap after GC, start (MiB)", JvmSnapshot.mib(heapBefore))
                .figure("heap after GC, end (MiB)", JvmSnapshot.mib(heapAfter))
                .figure("heap end / start", (double) heapAfter / heapBefore)
                .figure("leased connections at the end", leased)
                .figure("threads at baseline / end", JvmSnapshot.total(threadsBefore) + " / " + JvmSnapshot.total(threadsAfter))
                .figure("thread groups that grew", JvmSnapshot.grown(threadsBefore, threadsAfter))
                .note("Latencies are measured by the client, from writing the request to reading the last body byte."
                        + " Heap class histograms at the start and the end: soak-heap-start.txt, soak-heap-end.txt.")
                .write();

        assertThat(warmUp.tally.problems()).as(warmUp.tally.problemSummary()).isZero();
        assertThat(run.tally.problems()).as(run.tally.problemSummary()).isZero();
        assertThat(run.lateBeyondStalls.problems()).as("answers later than deadline + 250 ms beyond process stalls: "
                + run.lateBeyondStalls.problemSummary()).isZero();
        assertThat(run.tally.get("healthy 200")).as("healthy route answered").isPositive();
        assertThat(run.errorTypes.snapshot()).as("the run met the fault catalogue")
                .containsKeys("connection_refused", "connection_terminated", "http_response_timeout",
                        "http_protocol_error", "http_response_incomplete", "http_response_transfer_coding",
                        "http_response_content_coding", "http_response_header_section_size",
                        "destination_unavailable");
        assertThat(heapAfter).as("heap after GC at the end (start %d bytes)", heapBefore)
                .isLessThanOrEqualTo((long) (heapBefore * 1.10));
        assertThat(leased.values()).as("leased connections at the end").containsOnly(0);
        assertThat(JvmSnapshot.grown(threadsBefore, threadsAfter)).as("thread groups above the baseline").isEmpty();
    }

    /** Everything a run measures; constant size, so it does not skew the heap comparison. */
    private static final class Run {
        final Tally tally = new Tally();
        final Tally errorTypes = new Tally();
        final LateAnswers late = new LateAnswers();
        final Map<String, LatencyHistogram> latency = new LinkedHashMap<>();
        Tally lateBeyondStalls = new Tally();
        final AtomicLong worstMarginNanos = new AtomicLong(Long.MIN_VALUE);
        final AtomicLong switches = new AtomicLong();
        volatile long startNanos;
        HiccupMeter hiccups;

        Run() {
            for (String route : ROUTES) {
                latency.put(route, new LatencyHistogram());
            }
        }
    }

    /** Runs the load for {@code duration} while the chaos upstream changes its fault every 100 ms. */
    private long load(GatewayApp app, FaultyUpstream chaosServer, Run run, Duration duration, long seed)
            throws InterruptedException {
        List<Fault> catalogue = Fixtures.catalogue();
        SplittableRandom chaosRandom = new SplittableRandom(seed);
        ScheduledExecutorService chaos = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "soak-chaos");
            t.setDaemon(true);
            return t;
        });
        chaos.scheduleAtFixedRate(() -> {
            chaosServer.respond(catalogue.get(chaosRandom.nextInt(catalogue.size())));
            run.switches.incrementAndGet();
        }, 0, 100, TimeUnit.MILLISECONDS);
        run.hiccups = new HiccupMeter("soak-hiccups");
        run.startNanos = System.nanoTime();
        try {
            return VirtualUsers.run("soak-user", app.port(), CONCURRENCY, duration, 100_000_000L, seed,
                    (user, connection, random) -> {
                        LockSupport.parkNanos(random.nextLong(THINK.toNanos() + 1)); // also staggers the start
                        oneRequest(connection, random, user, run);
                    });
        } finally {
            chaos.shutdownNow();
            run.hiccups.close();
            run.lateBeyondStalls = run.late.unexplained(run.hiccups, run.startNanos);
            assertThat(chaos.awaitTermination(5, TimeUnit.SECONDS)).as("chaos thread ended").isTrue();
        }
    }

    private static void oneRequest(RawHttpConnection connection, SplittableRandom random, int user, Run run) {
        String route = ROUTES[weighted(random)];
        int deadlineHeader = DEADLINES_MS[random.nextInt(DEADLINES_MS.length)];
        long deadlineMs = deadlineHeader == 0 ? REQUEST_TIMEOUT.toMillis() : deadlineHeader;
        List<String> acceptKeys = List.copyOf(ACCEPT.keySet());
        String accept = acceptKeys.get(random.nextInt(acceptKeys.size()));
        String id = random.nextBoolean() ? "soak-" + user + "-" + Long.toHexString(random.nextLong()) : null;
        List<String> headers = new ArrayList<>(3);
        if (!accept.equals("none")) {
            headers.add("Accept: " + accept);
        }
        if (id != null) {
            headers.add("X-Request-ID: " + id);
        }
        if (deadlineHeader != 0) {
            headers.add("X-Request-Timeout-Ms: " + deadlineHeader);
        }
        byte[] request = RawHttpConnection.get("/" + route + "/items", headers);
        long start = System.nanoTime();
        RawResponse r;
        try {
            r = connection.exchange(request, (int) deadlineMs + 5_000);
        } catch (IOException e) {
            run.tally.count(route + " no answer");
            run.tally.problem(route + " (deadline " + deadlineMs + " ms): no well-formed answer after "
                    + (System.nanoTime() - start) / 1_000_000 + " ms: " + e);
            return;
        }
        long took = System.nanoTime() - start;
        run.latency.get(route).record(took);
        long margin = took - deadlineMs * 1_000_000L;
        run.worstMarginNanos.accumulateAndGet(margin, Math::max);
        if (margin > SLACK_MILLIS * 1_000_000L) {
            run.late.add(start, took, (deadlineMs + SLACK_MILLIS) * 1_000_000L,
                    route + ": answered " + r.status() + " (deadline " + deadlineMs + " ms)");
        }
        run.tally.count(route + " " + r.status());
        List<String> problems = new ArrayList<>(ResponseChecks.problems(r, id));
        int status = r.status();
        // A healthy upstream may time out (504) or have its breaker opened by timeouts (503) on a starved machine;
        // it never sends a bad byte, so a 502 there would be a connection-handling bug.
        if (status != 200 && (status < 502 || status > 504) || route.equals("healthy") && status == 502) {
            problems.add("status " + status);
        }
        if (status == 200 && route.equals("healthy") && !r.bodyText().equals(Fixtures.JSON_OK)) {
            problems.add("healthy body " + r.bodyText());
        }
        if (status >= 500) {
            String proxyStatus = r.header("Proxy-Status");
            if (proxyStatus == null) {
                problems.add("no Proxy-Status");
            } else {
                Matcher error = ERROR_TYPE.matcher(proxyStatus);
                Matcher received = RECEIVED.matcher(proxyStatus);
                run.errorTypes.count(error.find() ? error.group(1)
                        : received.find() ? "received-status=" + received.group(1) : proxyStatus);
            }
            if (!ACCEPT.get(accept).equals(r.mediaType())) {
                problems.add("Accept " + accept + " answered as " + r.mediaType());
            }
        }
        if (!problems.isEmpty()) {
            run.tally.problem(route + " (Accept " + accept + ", id " + id + "): " + problems + " in " + r);
        }
    }

    /** Collections and their total time (ms) so far, over all collectors. */
    private static long[] gc() {
        long[] countAndMillis = new long[2];
        for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            countAndMillis[0] += Math.max(0, gc.getCollectionCount());
            countAndMillis[1] += Math.max(0, gc.getCollectionTime());
        }
        return countAndMillis;
    }

    /**
     * A fault server keeps its latest {@value FaultyUpstream#MAX_RECORDED} requests: sends it that many (with a
     * healthy fault, straight over a socket) so that its record is full before the baseline and the fixture's
     * memory stays the same from there on.
     */
    private static void fillRequestRecords(FaultyUpstream server) throws IOException {
        server.respond(Fault.ok("application/json", Fixtures.JSON_OK));
        byte[] request = RawHttpConnection.get("/fill", List.of());
        try (RawHttpConnection connection = new RawHttpConnection(server.port())) {
            for (int i = 0; i < 5 * FaultyUpstream.MAX_RECORDED && server.requestsReceived() <= FaultyUpstream.MAX_RECORDED;
                    i++) {
                connection.exchange(request, 5_000);
            }
        }
        assertThat(server.requestsReceived()).as("requests recorded by the fault server")
                .isGreaterThan(FaultyUpstream.MAX_RECORDED);
    }

    private static int weighted(SplittableRandom random) {
        int x = random.nextInt(100);
        for (int i = 0; i < ROUTE_WEIGHTS.length; i++) {
            x -= ROUTE_WEIGHTS[i];
            if (x < 0) {
                return i;
            }
        }
        return ROUTE_WEIGHTS.length - 1;
    }

    private static Map<String, Long> statuses(Tally tally, String route) {
        Map<String, Long> byStatus = new LinkedHashMap<>();
        tally.snapshot().forEach((key, n) -> {
            if (key.startsWith(route + " ")) {
                byStatus.put(key.substring(route.length() + 1), n);
            }
        });
        return byStatus;
    }

    /**
     * Waits until the app is idle: no call in flight, no leased connection, the idle pooled connections evicted
     * (so no faulty-upstream thread serves one) and Jetty's pool shrunk to its minimum.
     */
    private static void settle(GatewayApp app, Map<String, Upstream> upstreams) {
        await("the app to become idle").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .pollInSameThread()
                .until(() -> upstreams.values().stream().allMatch(u -> u.connectionPoolStats().getLeased() == 0
                                && u.connectionPoolStats().getAvailable() == 0)
                        && upstreams.keySet().stream().allMatch(r -> app.route(r).inFlight() == 0)
                        && JvmSnapshot.threadNames().stream().noneMatch(n -> n.matches("faulty-upstream-[0-9]+-[0-9]+"))
                        && app.threadPool().getThreads() <= app.threadPool().getMinThreads());
    }

    /** Waits (at most 30 s) for every thread group to be back at its baseline size; returns the last reading. */
    private static Map<String, Integer> awaitThreadsBackTo(Map<String, Integer> baseline) {
        try {
            await("threads back to the baseline").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .pollInSameThread()
                    .until(() -> JvmSnapshot.grown(baseline, JvmSnapshot.threadGroups()).isEmpty());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // Reported and asserted by the caller, with the groups that grew.
        }
        return JvmSnapshot.threadGroups();
    }
}
