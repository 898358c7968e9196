package dev.upstreamguard.benchmarks;

import static dev.upstreamguard.benchmarks.Report.f;
import static dev.upstreamguard.benchmarks.Report.ratioSpread;
import static dev.upstreamguard.benchmarks.Report.spread;
import static dev.upstreamguard.benchmarks.Report.x;

import dev.upstreamguard.benchmarks.jmh.BuildingBlocksBenchmark;
import dev.upstreamguard.benchmarks.jmh.ClientOverheadBenchmark;
import dev.upstreamguard.benchmarks.jmh.CorrelationIdBenchmark;
import dev.upstreamguard.benchmarks.jmh.ErrorRenderBenchmark;
import dev.upstreamguard.benchmarks.jmh.PolicyBenchmark;
import dev.upstreamguard.benchmarks.jmh.PolicyScaleBenchmark;
import dev.upstreamguard.benchmarks.support.Samples;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.Statistics;

/** The JMH suites: each benchmark runs in its own fork, compared variants interleaved round by round. */
final class JmhSuites {
    static final List<String> CLIENTS = List.of("raw", "upstream", "resilience4j", "resilience4j-inline", "failsafe");

    private final Settings settings;
    private int runs;

    JmhSuites(Settings settings) {
        this.settings = settings;
    }

    /** One fork of {@code benchmark} ("Class.method") with {@code params}; its result. */
    private RunResult run(Class<?> type, String method, Map<String, String> params, int threads, boolean gc,
            int warmupIterations, TimeValue warmup, int iterations, TimeValue measure) throws RunnerException {
        return run(type, method, params, threads, gc, warmupIterations, warmup, iterations, measure, null);
    }

    private RunResult run(Class<?> type, String method, Map<String, String> params, int threads, boolean gc,
            int warmupIterations, TimeValue warmup, int iterations, TimeValue measure,
            org.openjdk.jmh.annotations.Mode mode) throws RunnerException {
        String name = type.getSimpleName() + "." + method + (params.isEmpty() ? "" : params.values())
                + "@" + threads + "t";
        ChainedOptionsBuilder b = new OptionsBuilder()
                .include("^" + Pattern.quote(type.getName() + "." + method) + "$")
                .forks(1)
                .threads(threads)
                .warmupIterations(warmupIterations).warmupTime(warmup)
                .measurementIterations(iterations).measurementTime(measure)
                .jvmArgsAppend("-Xms1g", "-Xmx1g", "-Dug.log.level=WARN",
                        "-Dug.log.file=" + settings.logs().resolve("jmh-forks.log"))
                .shouldFailOnError(true)
                .timeout(TimeValue.minutes(2))
                .output(settings.logs().resolve(String.format("jmh-%03d-%s.log", ++runs,
                        name.replaceAll("[^A-Za-z0-9.@-]", "_"))).toString());
        params.forEach(b::param);
        if (mode != null) {
            b.mode(mode).timeUnit(java.util.concurrent.TimeUnit.SECONDS);
        }
        if (gc) {
            b.addProfiler(GCProfiler.class);
        }
        long t0 = System.nanoTime();
        RunResult result = new Runner(b.build()).runSingle();
        System.out.printf("  %-60s %6.1f s%n", name, (System.nanoTime() - t0) / 1e9);
        return result;
    }

    private static double allocNorm(RunResult r) {
        for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
            if (e.getKey().endsWith("gc.alloc.rate.norm")) {
                return e.getValue().getScore();
            }
        }
        return Double.NaN;
    }

    // ---------------------------------------------------------------- 1. client overhead over loopback

    void clientOverhead(Report report) throws RunnerException {
        System.out.println("1. client overhead (JMH, loopback Jetty, keep-alive)");
        Map<String, List<Double>> p50 = new LinkedHashMap<>();
        Map<String, List<Double>> p99 = new LinkedHashMap<>();
        Map<String, List<Double>> mean = new LinkedHashMap<>();
        Map<String, List<Double>> r50 = new LinkedHashMap<>();
        Map<String, List<Double>> r99 = new LinkedHashMap<>();
        Map<String, List<Double>> rThroughput = new LinkedHashMap<>();
        long samples = 0;
        for (String c : CLIENTS) {
            p50.put(c, new ArrayList<>());
            p99.put(c, new ArrayList<>());
            mean.put(c, new ArrayList<>());
            r50.put(c, new ArrayList<>());
            r99.put(c, new ArrayList<>());
            rThroughput.put(c, new ArrayList<>());
        }
        for (int round = 0; round < settings.clientRounds(); round++) {
            // Rotate the order each round so that no variant always runs first or last.
            List<String> order = new ArrayList<>(CLIENTS);
            java.util.Collections.rotate(order, -round);
            Map<String, Statistics> stats = new LinkedHashMap<>();
            for (String c : order) {
                RunResult r = run(ClientOverheadBenchmark.class, "get", Map.of("client", c), 1, false,
                        settings.clientWarmupSeconds(), TimeValue.seconds(1), settings.clientMeasureSeconds(),
                        TimeValue.seconds(1));
                stats.put(c, r.getPrimaryResult().getStatistics());
            }
            Statistics raw = stats.get("raw");
            for (String c : CLIENTS) {
                Statistics s = stats.get(c);
                samples += s.getN();
                p50.get(c).add(s.getPercentile(50));
                p99.get(c).add(s.getPercentile(99));
                mean.get(c).add(s.getMean());
                r50.get(c).add(s.getPercentile(50) / raw.getPercentile(50));
                r99.get(c).add(s.getPercentile(99) / raw.getPercentile(99));
                rThroughput.get(c).add(raw.getMean() / s.getMean());
            }
        }
        List<List<String>> rows = new ArrayList<>();
        for (String c : CLIENTS) {
            rows.add(List.of(label(c), f(Samples.median(p50.get(c)), 1), f(Samples.median(p99.get(c)), 1),
                    f(1e6 / Samples.median(mean.get(c)), 0),
                    ratioSpread(Samples.median(r50.get(c)), Samples.min(r50.get(c)), Samples.max(r50.get(c))),
                    ratioSpread(Samples.median(r99.get(c)), Samples.min(r99.get(c)), Samples.max(r99.get(c))),
                    ratioSpread(Samples.median(rThroughput.get(c)), Samples.min(rThroughput.get(c)),
                            Samples.max(rThroughput.get(c)))));
        }
        double up50 = Samples.median(r50.get("upstream"));
        double up99 = Samples.median(r99.get("upstream"));
        report.section("""
                ## 1. Client overhead: one GET over loopback

                The same `GET /ok` (200, 2-byte body) to an embedded Jetty 12 upstream on 127.0.0.1 over a kept-alive
                connection, one caller thread, JMH sample mode (every sampled call timed; %,d samples in all).
                %d rounds; in each round every variant runs in its own fork, in an order rotated from round to round.
                Latencies are the median over rounds of each round's percentile; ratios are computed within each
                round against that round's raw client, then the median (min–max over rounds) is shown.
                Throughput is calls per second of the one caller (1 / mean latency).

                %s
                Variants: **raw** is a pooled `CloseableHttpClient` configured like the one Upstream Guard builds
                (same pool, TCP_NODELAY, timeouts, no automatic retries); **upstream** is `Upstream.execute` with
                the full default policy (deadline, bulkhead, retry with budget, breaker, attempt watchdog, body
                buffering, validation, deadline header); **resilience4j** is the raw client wrapped by hand in
                Retry(CircuitBreaker(TimeLimiter(call))) as resilience4j documents it, the time limiter running
                the call on a pool thread; **resilience4j, no time limiter** is Retry(CircuitBreaker(call)) on the
                caller's thread (cheaper, but nothing then bounds a slow body); **failsafe** is
                `Failsafe.with(retry, circuitBreaker, timeout).get(call)` (Failsafe 3.3.2).
                """.formatted(samples, settings.clientRounds(), Report.table(List.of("variant", "p50 µs", "p99 µs",
                "calls/s", "p50 / raw", "p99 / raw", "throughput / raw"), rows)));
        report.check("client overhead", "Upstream p50 <= 1.02x raw", x(up50), up50 <= 1.02);
        report.check("client overhead", "Upstream p99 <= 1.10x raw", x(up99), up99 <= 1.10);
        double r4j = Samples.median(r50.get("resilience4j"));
        double r4jInline = Samples.median(r50.get("resilience4j-inline"));
        double fs = Samples.median(r50.get("failsafe"));
        report.check("client overhead", "Upstream ahead of hand-rolled resilience4j (p50)",
                x(up50) + " vs " + x(r4j) + " (no time limiter: " + x(r4jInline) + ")", up50 < r4j);
        report.check("client overhead", "Upstream ahead of Failsafe (p50)", x(up50) + " vs " + x(fs), up50 < fs);
    }

    static String label(String client) {
        return switch (client) {
            case "raw" -> "raw HttpClient";
            case "upstream" -> "**Upstream (default policy)**";
            case "resilience4j" -> "resilience4j Retry+CircuitBreaker+TimeLimiter";
            case "resilience4j-inline" -> "resilience4j Retry+CircuitBreaker, no time limiter";
            case "failsafe" -> "Failsafe retry+breaker+timeout";
            default -> client;
        };
    }

    // ---------------------------------------------------------------- 1b. the policy in process

    private record Cell(List<Double> ns, List<Double> bytes) {
        Cell() {
            this(new ArrayList<>(), new ArrayList<>());
        }

        void add(RunResult r) {
            ns.add(r.getPrimaryResult().getScore());
            bytes.add(allocNorm(r));
        }

        double medianNs() {
            return Samples.median(ns);
        }

        double medianBytes() {
            return Samples.median(bytes);
        }

        String nsText() {
            return ns.size() > 1 ? spread(medianNs(), Samples.min(ns), Samples.max(ns), 0) : f(medianNs(), 0);
        }
    }

    private RunResult policyRun(Class<?> type, String method, Map<String, String> params, int threads)
            throws RunnerException {
        return run(type, method, params, threads, true, settings.policyWarmupSeconds(), TimeValue.seconds(1),
                settings.policyMeasureSeconds(), TimeValue.seconds(1));
    }

    void policyInProcess(Report report) throws RunnerException {
        System.out.println("1b. the policy in process (JMH, stub transport, gc profiler)");
        List<String> methods = List.of("stub", "policy", "policyWithMetrics", "openBreaker", "resilience4j",
                "failsafe");
        Map<String, Cell> one = new LinkedHashMap<>();
        methods.forEach(m -> one.put(m, new Cell()));
        for (int round = 0; round < settings.policyRounds(); round++) {
            List<String> order = new ArrayList<>(methods);
            if (round % 2 == 1) {
                java.util.Collections.reverse(order);
            }
            for (String m : order) {
                one.get(m).add(policyRun(PolicyBenchmark.class, m, Map.of(), 1));
            }
        }
        Map<String, Cell> two = new LinkedHashMap<>();
        for (String m : List.of("stub", "policy", "openBreaker")) {
            Cell c = new Cell();
            c.add(policyRun(PolicyBenchmark.class, m, Map.of(), 2));
            two.put(m, c);
        }
        double stubNs = one.get("stub").medianNs();
        double stubBytes = one.get("stub").medianBytes();
        List<List<String>> rows = new ArrayList<>();
        for (String m : methods) {
            Cell c = one.get(m);
            boolean call = !m.equals("stub") && !m.equals("openBreaker");
            rows.add(List.of(policyLabel(m), "1", c.nsText(), f(c.medianBytes(), 0),
                    call ? f(c.medianNs() - stubNs, 0) : "", call ? f(c.medianBytes() - stubBytes, 0) : ""));
        }
        double stub2 = two.get("stub").medianNs();
        double stub2Bytes = two.get("stub").medianBytes();
        for (Map.Entry<String, Cell> e : two.entrySet()) {
            boolean call = e.getKey().equals("policy");
            rows.add(List.of(policyLabel(e.getKey()), "2", e.getValue().nsText(), f(e.getValue().medianBytes(), 0),
                    call ? f(e.getValue().medianNs() - stub2, 0) : "",
                    call ? f(e.getValue().medianBytes() - stub2Bytes, 0) : ""));
        }
        List<List<String>> blockRows = new ArrayList<>();
        double mandatory = 0;
        for (String m : List.of("clockRead", "retryBudgetDeposit", "breakerPermitAndSuccess", "bulkheadPermit",
                "openBreakerRefusal", "rejectionException")) {
            RunResult r = policyRun(BuildingBlocksBenchmark.class, m, Map.of(), 1);
            double blockNs = r.getPrimaryResult().getScore();
            mandatory += switch (m) {
                case "clockRead" -> 2 * blockNs;
                case "retryBudgetDeposit", "breakerPermitAndSuccess", "bulkheadPermit" -> blockNs;
                default -> 0;
            };
            blockRows.add(List.of(switch (m) {
                case "clockRead" -> "one `System.nanoTime()` (the policy reads it twice per call)";
                case "retryBudgetDeposit" -> "retry budget: the per-call deposit (under a lock, on the call's clock reading)";
                case "breakerPermitAndSuccess" -> "resilience4j breaker: permission + success into its window";
                case "bulkheadPermit" -> "resilience4j bulkhead: permit taken and returned";
                case "openBreakerRefusal" -> "resilience4j breaker, open: the refused permission";
                default -> "the stackless `UpstreamException` a rejection throws (message built only when read)";
            }, f(r.getPrimaryResult().getScore(), 1), f(allocNorm(r), 0)));
        }
        double policyNs = one.get("policy").medianNs() - stubNs;
        double policyBytes = one.get("policy").medianBytes() - stubBytes;
        double openNs = one.get("openBreaker").medianNs();
        report.section("""
                ## 1b. The policy in process (no I/O)

                The policy's own cost, without a network: the exec-chain element of an `Upstream` with the default
                policy (bulkhead sized 512 for the scale runs below), around a stub transport that answers 200 with a
                2-byte body from memory. JMH average time with the GC profiler (`gc.alloc.rate.norm`); each row one
                fork, %d round(s) interleaved (median, min–max over rounds). The **stub** row is the exchange alone
                (request, scope, reading the body); "policy cost" is a row minus the stub row of the same thread
                count. Threads share one upstream (one breaker, bulkhead and budget), as callers of one `Upstream`
                do. Rejections are not logged here (`dev.upstreamguard` at WARN); with INFO logging each rejection
                also writes its log line.

                %s
                The steps every call takes, measured alone in the same run (one thread):

                %s
                Where the closed path's cost goes: the steps above that every call must take (two clock reads, the
                budget's deposit, the breaker, the bulkhead) add up to %s ns in this run before any of the
                policy's own work. Its bytes are the buffered response, not its resilience steps (which allocate
                nothing): the body read within the deadline into an array, the in-memory entity that replaces the
                streamed one on HttpClient's own response object, and the attempt's result. A raw client that
                streams the body allocates none of these, and a decorator like resilience4j's does not buffer or
                validate (a policy with content-type or custom validation rules also builds an `UpstreamResponse`
                for them). The open-breaker rejection is resilience4j's refused permission (it reads the wall
                clock into an `Instant` and publishes an event object) plus the stackless `UpstreamException`
                whose message is built only if someone reads it.
                For scale: Polly v8's five-strategy pipeline costs 766 ns and 40 B per call; one Envoy hop adds
                about 115–150 µs at p90; a loopback round trip here is about 60 µs.
                """.formatted(settings.policyRounds(), Report.table(List.of("benchmark", "threads", "ns/op",
                "B/op", "policy cost ns", "policy cost B"), rows), Report.table(List.of("step", "ns/op", "B/op"),
                blockRows), f(mandatory, 0)));
        report.check("in-process", "whole policy, closed path <= 150 ns/op", f(policyNs, 0) + " ns",
                policyNs <= 150);
        report.check("in-process", "whole policy, closed path <= 64 B/op", f(policyBytes, 0) + " B",
                policyBytes <= 64);
        report.check("in-process", "open-breaker rejection <= 250 ns", f(openNs, 0) + " ns", openNs <= 250);
    }

    static String policyLabel(String method) {
        return switch (method) {
            case "stub" -> "stub exchange alone (baseline)";
            case "policy" -> "**whole policy, closed breaker**";
            case "policyWithMetrics" -> "whole policy + Micrometer metrics";
            case "openBreaker" -> "open-breaker rejection (whole call)";
            case "resilience4j" -> "resilience4j Retry+CircuitBreaker around the stub";
            case "failsafe" -> "Failsafe retry+breaker around the stub";
            default -> method;
        };
    }

    // ---------------------------------------------------------------- 2b and 3a: IDs and rendering

    void correlationIds(Report report) throws RunnerException {
        System.out.println("2b. correlation ID generation (JMH)");
        List<List<String>> rows = new ArrayList<>();
        double worst = 0;
        for (int threads : new int[] {1, 2}) {
            for (String m : List.of("generate", "randomUuid")) {
                RunResult r = run(CorrelationIdBenchmark.class, m, Map.of(), threads, true,
                        settings.policyWarmupSeconds(), TimeValue.seconds(1), settings.policyMeasureSeconds(),
                        TimeValue.seconds(1));
                double ns = r.getPrimaryResult().getScore();
                if (m.equals("generate")) {
                    worst = Math.max(worst, ns);
                }
                rows.add(List.of(m.equals("generate") ? "**filter's ID (128-bit, ThreadLocalRandom)**"
                        : "`UUID.randomUUID().toString()` (reference)", String.valueOf(threads), f(ns, 1),
                        f(allocNorm(r), 0)));
            }
        }
        report.section("""
                ### Correlation ID generation

                A new ID as the filter makes one when the request has none (32 hex digits), and `UUID.randomUUID()`
                for reference; threads call concurrently.

                %s""".formatted(Report.table(List.of("generator", "threads", "ns/op", "B/op"), rows)));
        report.check("filter", "correlation ID <= 50 ns at 1 and 2 threads", "worst " + f(worst, 1) + " ns",
                worst <= 50);
    }

    void errorRendering(Report report) throws RunnerException {
        System.out.println("3a. error rendering (JMH)");
        List<List<String>> rows = new ArrayList<>();
        for (String m : List.of("viewOnly", "html", "problemJson", "plainText")) {
            RunResult r = run(ErrorRenderBenchmark.class, m, Map.of(), 1, true, settings.policyWarmupSeconds(),
                    TimeValue.seconds(1), settings.policyMeasureSeconds(), TimeValue.seconds(1));
            String label = switch (m) {
                case "viewOnly" -> "the view alone (wording, retry advice)";
                case "html" -> "HTML page (built-in template)";
                case "problemJson" -> "application/problem+json";
                default -> "text/plain";
            };
            rows.add(List.of(label, f(r.getPrimaryResult().getScore() / 1000.0, 2), f(allocNorm(r), 0)));
        }
        report.section("""
                ## 3. Error path

                ### Rendering each representation

                From an `UpstreamException` (open breaker, 503, Retry-After 7 s) to the body's UTF-8 bytes: the view
                (what the page says), then the representation, with the filter's default configuration. One thread.

                %s""".formatted(Report.table(List.of("representation", "µs/op", "B/op"), rows)));
    }

    // ---------------------------------------------------------------- 6a: scale in process

    void scaleInProcess(Report report) throws RunnerException {
        System.out.println("6a. scale in process (JMH, gc profiler)");
        List<List<String>> rows = new ArrayList<>();
        for (String n : List.of("1", "10", "100")) {
            RunResult r = policyRun(PolicyScaleBenchmark.class, "policy", Map.of("upstreams", n), 1);
            double ns = r.getPrimaryResult().getScore();
            rows.add(List.of(n + (n.equals("1") ? " upstream" : " upstreams") + ", 1 thread", f(ns, 0),
                    f(1e9 / ns, 0), f(allocNorm(r), 0)));
        }
        for (int threads : new int[] {16, 64, 256}) {
            // Throughput mode: with more threads than cores some threads get far fewer turns than others, and an
            // average of per-thread times would be dominated by the starved ones; the sum of calls is not.
            RunResult r = run(PolicyBenchmark.class, "policy", Map.of(), threads, true,
                    settings.policyWarmupSeconds(), TimeValue.seconds(1), settings.policyMeasureSeconds(),
                    TimeValue.seconds(1), org.openjdk.jmh.annotations.Mode.Throughput);
            double callsPerSecond = r.getPrimaryResult().getScore();
            rows.add(List.of("1 upstream, " + threads + " threads", f(threads * 1e9 / callsPerSecond, 0),
                    f(callsPerSecond, 0), f(allocNorm(r), 0)));
        }
        report.section("""
                ### In process: number of upstreams and callers

                The whole policy on the stub transport (as in 1b). Upstreams: calls spread round-robin over 1, 10 or
                100 independent upstreams (each its own breaker, bulkhead, budget and watchdog slots). Callers: 16, 64
                or 256 threads on one upstream, measured in throughput mode (calls/s summed over threads); with more
                threads than the 2 cores the per-thread figure (threads / throughput) is mostly waiting for a core,
                so calls/s in total is the figure to compare.

                %s""".formatted(Report.table(List.of("setup", "ns/op (per thread)", "calls/s in total", "B/op"),
                rows)));
    }
}
