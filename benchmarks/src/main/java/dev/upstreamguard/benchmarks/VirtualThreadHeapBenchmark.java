package dev.upstreamguard.benchmarks;

import dev.upstreamguard.benchmarks.support.BlackholeServer;
import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.core.retry.RetryPolicy;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.ObjectName;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;

/**
 * Memory per guarded call in flight on virtual threads against platform threads (figures in BENCHMARKS.md,
 * section 8): {@code n} callers, each blocked in {@code Upstream.execute} on a loopback upstream that reads the
 * request and never answers; live heap (class histogram total after a full GC) with every call in flight, minus the
 * same with the upstream built and no caller thread started, divided by {@code n}. A platform thread's stack is
 * native memory, not heap, so the thread stacks' native memory (Native Memory Tracking, category Thread, committed)
 * and the process's resident set are measured the same way.
 *
 * <p>Needs Java 21+ (virtual threads, started by reflection: the sources are Java 17) and
 * {@code -XX:NativeMemoryTracking=summary}. Usage: {@code java -Xmx1g -XX:NativeMemoryTracking=summary -cp
 * benchmarks/target/benchmarks.jar dev.upstreamguard.benchmarks.VirtualThreadHeapBenchmark [--quick]}.
 */
final class VirtualThreadHeapBenchmark {
    private static final Pattern NMT_THREAD = Pattern.compile(
            "-\\s+Thread \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");
    private static final Pattern HISTOGRAM_CHUNKS = Pattern.compile(
            "(?m)^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+jdk\\.internal\\.vm\\.StackChunk\\b");

    /** How the callers run. */
    enum Threads {
        PLATFORM, VIRTUAL
    }

    /** What {@code n} calls in flight cost, per call. */
    record PerCall(Threads threads, int n, double heap, double stackChunks, double nativeThread, double rss) {
    }

    private VirtualThreadHeapBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (!virtualThreadsAvailable()) {
            System.out.println("Virtual thread heap benchmark skipped: Java " + Runtime.version().feature()
                    + " has no virtual threads (run it on Java 21+)");
            return;
        }
        if (args.length == 3 && args[0].equals("--cell")) {
            cell(Threads.valueOf(args[1]), Integer.parseInt(args[2]));
            return;
        }
        boolean quick = List.of(args).contains("--quick");
        int[] sizes = quick ? new int[] {200} : new int[] {1_000, 2_000};
        System.out.printf(Locale.ROOT, "JVM %s %s, %d cores; each measurement in a JVM of its own with %s%n",
                System.getProperty("java.vm.name"), System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), String.join(" ", CELL_OPTIONS));
        List<List<String>> rows = new ArrayList<>();
        for (int n : sizes) {
            PerCall[] best = new PerCall[Threads.values().length];
            for (int round = 0; round < 2; round++) { // twice each, interleaved, the smaller heap kept
                for (Threads t : Threads.values()) {
                    PerCall p = inOwnJvm(t, n);
                    best[t.ordinal()] = best[t.ordinal()] == null || p.heap() < best[t.ordinal()].heap() ? p
                            : best[t.ordinal()];
                }
            }
            PerCall platform = best[Threads.PLATFORM.ordinal()];
            for (PerCall p : best) {
                rows.add(List.of(p.threads().name().toLowerCase(Locale.ROOT), String.format(Locale.ROOT, "%,d", n),
                        Report.f(p.heap(), 0), Report.f(p.stackChunks(), 0), Report.f(p.nativeThread(), 0),
                        Report.f(p.heap() + p.nativeThread(), 0), Report.f(p.rss(), 0),
                        String.format(Locale.ROOT, "%.3fx", p.heap() / platform.heap()),
                        String.format(Locale.ROOT, "%.3fx", (p.heap() + p.nativeThread())
                                / (platform.heap() + platform.nativeThread()))));
            }
        }
        System.out.println(Report.table(List.of("threads", "calls in flight", "heap B/call", "of it stack chunks",
                "thread native B/call", "heap + thread native", "RSS B/call", "heap / platform",
                "heap + native / platform"), rows));
    }

    private static final List<String> CELL_OPTIONS = List.of("-Xms1g", "-Xmx1g", "-XX:NativeMemoryTracking=summary");

    /** One measurement in a fresh JVM (same java, same class path): no memory of an earlier one left over. */
    private static PerCall inOwnJvm(Threads threads, int n) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(CELL_OPTIONS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                VirtualThreadHeapBenchmark.class.getName(), "--cell", threads.name(), Integer.toString(n)));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(threads + " x " + n + " failed:\n" + out);
        }
        Matcher m = Pattern.compile("(?m)^CELL (\\S+) (\\S+) (\\S+) (\\S+)$").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException(threads + " x " + n + ": no result in\n" + out);
        }
        return new PerCall(threads, n, Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)),
                Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)));
    }

    /** In the measuring JVM: a warm-up of 8 calls on the same kind of thread, then the measurement; one line. */
    private static void cell(Threads threads, int n) throws Exception {
        if (nmtThreadCommittedKb() < 0) {
            throw new IllegalStateException("run with -XX:NativeMemoryTracking=summary");
        }
        measure(threads, 8);
        PerCall p = measure(threads, n);
        System.out.printf(Locale.ROOT, "CELL %.1f %.1f %.1f %.1f%n", p.heap(), p.stackChunks(), p.nativeThread(),
                p.rss());
    }

    /** Memory per call with {@code n} guarded calls of {@code threads} blocked on a silent upstream. */
    static PerCall measure(Threads threads, int n) throws Exception {
        try (BlackholeServer silent = new BlackholeServer();
                Upstream upstream = Upstream.builder("vt-heap").baseUri(silent.baseUri())
                        .policy(UpstreamPolicy.builder().maxConcurrentCalls(n).retry(RetryPolicy.none())
                                .requestTimeout(Duration.ofSeconds(120)).attemptTimeout(Duration.ofSeconds(120))
                                .connectTimeout(Duration.ofSeconds(30)).poolLeaseTimeout(Duration.ofSeconds(30))
                                .build()).build()) {
            String idleHistogram = histogramAfterGc();
            long idleNative = settledNmtThreadCommittedKb(); // the warm-up's threads gone
            long idleRss = rssKb();
            CountDownLatch ended = new CountDownLatch(n);
            AtomicInteger failed = new AtomicInteger();
            List<Thread> callers = new ArrayList<>();
            Runnable call = () -> {
                try {
                    upstream.execute(ClassicRequestBuilder.get("/slow").build());
                } catch (IOException | RuntimeException expected) {
                    failed.incrementAndGet(); // the silent upstream is closed below
                } finally {
                    ended.countDown();
                }
            };
            for (int i = 0; i < n; i++) {
                callers.add(threads == Threads.VIRTUAL ? startVirtual(call) : startPlatform(call));
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (silent.connections() < n && System.nanoTime() - until < 0) {
                Thread.sleep(20); // polling a count the server keeps; no latch reaches into the client
            }
            if (silent.connections() < n) {
                throw new IllegalStateException(threads + ": only " + silent.connections() + " of " + n
                        + " calls reached the upstream");
            }
            String busyHistogram = histogramAfterGc();
            long busyNative = nmtThreadCommittedKb();
            long busyRss = rssKb();
            if (ended.getCount() != n) {
                throw new IllegalStateException(threads + ": a call ended before the measurement");
            }
            silent.close();
            if (!ended.await(60, TimeUnit.SECONDS) || failed.get() != n) {
                throw new IllegalStateException(threads + ": " + failed.get() + " of " + n + " calls ended");
            }
            for (Thread t : callers) {
                t.join(TimeUnit.SECONDS.toMillis(10));
            }
            return new PerCall(threads, n,
                    (total(busyHistogram) - total(idleHistogram)) / (double) n,
                    (stackChunkBytes(busyHistogram) - stackChunkBytes(idleHistogram)) / (double) n,
                    (busyNative - idleNative) * 1024.0 / n, (busyRss - idleRss) * 1024.0 / n);
        }
    }

    private static Thread startPlatform(Runnable r) {
        Thread t = new Thread(r, "platform-caller");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Starts {@code r} on a virtual thread (Java 21+, by reflection: the sources are Java 17). */
    static Thread startVirtual(Runnable r) {
        try {
            return (Thread) Thread.class.getMethod("startVirtualThread", Runnable.class).invoke(null, r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot start a virtual thread", e);
        }
    }

    /** Whether this JVM has virtual threads (Java 21+). */
    static boolean virtualThreadsAvailable() {
        try {
            Thread.class.getMethod("startVirtualThread", Runnable.class);
            return true;
        } catch (NoSuchMethodException beforeJava21) {
            return false;
        }
    }

    /** The live-object class histogram (it runs a full GC first). */
    private static String histogramAfterGc() throws JMException {
        return ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {null}, new String[] {String[].class.getName()}).toString();
    }

    private static long total(String histogram) {
        for (String line : histogram.split("\n")) {
            if (line.startsWith("Total")) {
                return Long.parseLong(line.trim().split("\\s+")[2]);
            }
        }
        throw new IllegalStateException("no total in the class histogram");
    }

    private static long stackChunkBytes(String histogram) {
        Matcher m = HISTOGRAM_CHUNKS.matcher(histogram);
        return m.find() ? Long.parseLong(m.group(2)) : 0;
    }

    /** {@link #nmtThreadCommittedKb()} once two readings 100 ms apart agree (at most 5 s). */
    private static long settledNmtThreadCommittedKb() throws Exception {
        long last = nmtThreadCommittedKb();
        for (int i = 0; i < 50; i++) {
            Thread.sleep(100);
            long now = nmtThreadCommittedKb();
            if (now == last) {
                return now;
            }
            last = now;
        }
        return last;
    }

    /** Committed native memory of threads (stacks and thread structures), KiB; -1 without NMT. */
    private static long nmtThreadCommittedKb() throws JMException {
        String summary = ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()}).toString();
        Matcher m = NMT_THREAD.matcher(summary);
        return m.find() ? Long.parseLong(m.group(2)) : -1;
    }

    /** The process's resident set, KiB (Linux); 0 elsewhere. */
    private static long rssKb() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return 0;
        }
        for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return 0;
    }
}
