package dev.upstreamguard.benchmarks;

import dev.upstreamguard.benchmarks.support.GuardedApp;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/**
 * Runs every benchmark suite and load harness, then writes BENCHMARKS.md.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar [--quick] [--out=BENCHMARKS.md] [--logs=DIR]
 *                                            [--only=client,policy,filter,ids,render,breaker,deadline,retry,scale]
 *                                            [--wait-quiet=MINUTES]
 * </pre>
 *
 * {@code --quick} is a smoke run (about two minutes; numbers not worth quoting). {@code --wait-quiet} waits up to
 * that many minutes for the 1-minute load average to drop below 1.0 before starting. Everything binds to
 * 127.0.0.1 and stops by itself.
 */
public final class BenchmarkRunner {
    static final String COMMAND = "mvn -B -ntp -q -pl benchmarks -am package -DskipTests"
            + " && java -jar benchmarks/target/benchmarks.jar";
    private static final List<String> ALL = List.of("client", "policy", "filter", "ids", "render", "breaker",
            "deadline", "retry", "scale");

    private BenchmarkRunner() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        Path out = Path.of("BENCHMARKS.md");
        Path logs = Path.of(System.getProperty("java.io.tmpdir"), "upstream-guard-benchmarks");
        Set<String> only = new LinkedHashSet<>(ALL);
        int waitQuietMinutes = 0;
        for (String a : args) {
            if (a.equals("--quick")) {
                quick = true;
            } else if (a.startsWith("--out=")) {
                out = Path.of(a.substring(6));
            } else if (a.startsWith("--logs=")) {
                logs = Path.of(a.substring(7));
            } else if (a.startsWith("--only=")) {
                only = new LinkedHashSet<>(List.of(a.substring(7).split(",")));
                if (!ALL.containsAll(only)) {
                    usage("unknown suite in " + a + "; known: " + ALL);
                }
            } else if (a.startsWith("--wait-quiet=")) {
                waitQuietMinutes = Integer.parseInt(a.substring(13));
            } else {
                usage("unknown argument " + a);
            }
        }
        Files.createDirectories(logs);
        System.setProperty("ug.log.file", logs.resolve("harness.log").toString());
        Settings settings = quick ? Settings.quick(logs) : Settings.full(logs);
        waitForQuiet(waitQuietMinutes);

        double[] loadBefore = loadAverage();
        long t0 = System.nanoTime();
        ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
        System.out.printf("Upstream Guard benchmarks%s: load average %s; JMH logs in %s%n", quick ? " (quick)" : "",
                formatLoad(loadBefore), logs);

        Report report = new Report();
        List<String> failures = new ArrayList<>();
        JmhSuites jmh = new JmhSuites(settings);
        ClientOverheadHarness clientLoad = new ClientOverheadHarness(settings);
        FilterOverheadHarness filterLoad = new FilterOverheadHarness(settings);
        ErrorPathHarness errorPath = new ErrorPathHarness(settings);
        RetryAmplificationHarness retries = new RetryAmplificationHarness(settings);
        ScaleHarness scale = new ScaleHarness(settings);
        run(only, "client", failures, () -> jmh.clientOverhead(report));
        run(only, "client", failures, () -> clientLoad.clientInterleaved(report));
        run(only, "policy", failures, () -> jmh.policyInProcess(report));
        if (only.contains("filter") || only.contains("breaker")) {
            try (GuardedApp app = new GuardedApp()) {
                run(only, "filter", failures, () -> filterLoad.filterOverhead(report, app));
                run(only, "ids", failures, () -> jmh.correlationIds(report));
                run(only, "render", failures, () -> jmh.errorRendering(report));
                run(only, "breaker", failures, () -> errorPath.openBreaker(report, app));
            }
        } else {
            run(only, "ids", failures, () -> jmh.correlationIds(report));
            run(only, "render", failures, () -> jmh.errorRendering(report));
        }
        run(only, "deadline", failures, () -> errorPath.deadlineAccuracy(report));
        run(only, "retry", failures, () -> retries.retryAmplification(report));
        if (only.contains("scale")) {
            report.section("## 6. Scale: concurrency and number of upstreams");
        }
        run(only, "scale", failures, () -> jmh.scaleInProcess(report));
        run(only, "scale", failures, () -> scale.scale(report));

        double[] loadAfter = loadAverage();
        long minutes = Math.round((System.nanoTime() - t0) / 60e9);
        String markdown = render(report, settings, started, loadBefore, loadAfter, minutes, failures, only);
        if (Files.isRegularFile(out)) {
            String kept = Report.separateHarnessSections(Files.readString(out, StandardCharsets.UTF_8));
            markdown = kept.isEmpty() ? markdown : markdown.stripTrailing() + "\n\n" + kept;
        }
        Files.writeString(out, markdown, StandardCharsets.UTF_8);
        System.out.printf("Wrote %s (%d min; load average at the end %s)%n", out.toAbsolutePath(), minutes,
                formatLoad(loadAfter));
        if (!failures.isEmpty()) {
            System.err.println("Failed: " + failures);
            System.exit(1);
        }
        System.exit(0); // JMH and HttpClient leave non-daemon threads behind
    }

    @FunctionalInterface
    private interface Suite {
        void run() throws Exception;
    }

    private static void run(Set<String> only, String name, List<String> failures, Suite suite) {
        if (!only.contains(name)) {
            return;
        }
        try {
            suite.run();
        } catch (Exception | AssertionError e) {
            System.err.println("Suite " + name + " failed: " + e);
            e.printStackTrace();
            failures.add(name + ": " + e);
        }
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: java -jar benchmarks.jar [--quick] [--out=BENCHMARKS.md] [--logs=DIR]"
                + " [--only=" + String.join(",", ALL) + "] [--wait-quiet=MINUTES]");
        System.exit(2);
    }

    private static void waitForQuiet(int minutes) throws InterruptedException {
        long until = System.nanoTime() + minutes * 60_000_000_000L;
        while (minutes > 0 && loadAverage()[0] >= 1.0 && System.nanoTime() - until < 0) {
            System.out.printf("load average %s: waiting for it to drop below 1.0%n", formatLoad(loadAverage()));
            Thread.sleep(30_000);
        }
    }

    /** The 1, 5 and 15-minute load averages (from /proc/loadavg; the 1-minute one only elsewhere). */
    static double[] loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1]),
                Double.parseDouble(parts[2])};
        } catch (IOException | RuntimeException e) {
            double one = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            return new double[] {one, Double.NaN, Double.NaN};
        }
    }

    static String formatLoad(double[] load) {
        return String.format(Locale.ROOT, "%.2f / %.2f / %.2f", load[0], load[1], load[2]);
    }

    private static String render(Report report, Settings settings, ZonedDateTime started, double[] loadBefore,
            double[] loadAfter, long minutes, List<String> failures, Set<String> only) {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("""
                What Upstream Guard costs, measured on one machine in one run, side by side with what it replaces.
                These machines are shared and noisy, so compared variants always run interleaved in the same run
                and the ratios between them are the result; absolute times only say what this machine did.
                Regenerate this file with the command below (about 12 minutes on 2 cores; `--quick` is a
                two-minute smoke run whose numbers are not worth quoting).

                """);
        md.append("| | |\n| --- | --- |\n");
        md.append("| date | ").append(started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
                .append(" |\n");
        md.append("| machine | ").append(machine()).append(" |\n");
        md.append("| JVM | ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append(", JMH forks with -Xms1g -Xmx1g |\n");
        md.append("| load average (1 / 5 / 15 min) | before the run ").append(formatLoad(loadBefore))
                .append("; at its end ").append(formatLoad(loadAfter))
                .append(" (the run itself keeps both cores and many threads busy) |\n");
        md.append("| versions | ").append(versions()).append(" |\n");
        md.append("| command | `").append(COMMAND).append(settings.quick() ? " --quick" : "")
                .append(only.size() < ALL.size() ? " --only=" + String.join(",", only) : "").append("` (")
                .append(minutes).append(" min) |\n\n");
        if (settings.quick()) {
            md.append("> **Quick run**: one short round of everything. Do not quote these numbers.\n\n");
        }
        if (!failures.isEmpty()) {
            md.append("> **Some suites failed** and are missing below: ").append(String.join("; ", failures))
                    .append("\n\n");
        }
        md.append("## Targets\n\n");
        List<List<String>> rows = new ArrayList<>();
        for (Report.Check c : report.checks()) {
            rows.add(List.of(c.area(), c.target(), c.measured(), c.met() ? "met" : "**missed**"));
        }
        md.append(Report.table(List.of("area", "target", "measured", ""), rows)).append('\n');
        md.append("Each section below says how it was measured; `dev.upstreamguard.benchmarks` holds the code.\n\n");
        for (String s : report.sections()) {
            md.append(s).append('\n');
        }
        return md.toString().replace("\n\n\n", "\n\n");
    }

    private static String machine() {
        String cpu = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        return String.format(Locale.ROOT, "%s, %d cores, %.0f GiB, %s %s", cpu,
                Runtime.getRuntime().availableProcessors(), memory / (1024.0 * 1024 * 1024),
                System.getProperty("os.name"), System.getProperty("os.version"));
    }

    private static String versions() {
        Properties p = new Properties();
        try (InputStream in = BenchmarkRunner.class.getResourceAsStream("/benchmark-versions.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // reported as unknown below
        }
        return "httpclient5 " + p.getProperty("httpclient5", "?") + ", resilience4j "
                + p.getProperty("resilience4j", "?") + ", Failsafe " + p.getProperty("failsafe", "?") + ", Jetty "
                + p.getProperty("jetty", "?") + ", Micrometer " + p.getProperty("micrometer", "?") + ", JMH "
                + p.getProperty("jmh", "?");
    }
}
