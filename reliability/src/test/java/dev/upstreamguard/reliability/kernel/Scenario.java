package dev.upstreamguard.reliability.kernel;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.core.UpstreamResponse;
import dev.upstreamguard.core.deadline.RequestContext;
import dev.upstreamguard.core.retry.RetryBudgetConfig;
import dev.upstreamguard.core.retry.RetryPolicy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.slf4j.LoggerFactory;

/**
 * The program a kernel-fault case runs inside its namespace (started by the suite with {@code ip netns exec}): it
 * hosts the case's loopback servers, makes guarded calls with core's {@link Upstream}, and prints its findings as
 * {@code R key=value} lines. {@code EVENT name} lines ask the suite to change the kernel's state now; the program
 * waits for {@code GO name} on its standard input.
 *
 * <p>Options ({@code key=value}, repeatable {@code serve}): {@code serve} (see {@link ScenarioServers#start}),
 * {@code target} (base URI), {@code calls}, {@code users}, {@code connect}, {@code attempt}, {@code request} (ms),
 * {@code attempts}, {@code lifetime} (ms), {@code budget} (default|unlimited), {@code trust} (PKCS12 trust store),
 * {@code event} (before the calls), {@code migrateAfter} and {@code runAfter} (ms: migration mode).
 */
public final class Scenario {
    private static final Object OUT = new Object();

    private Scenario() {
    }

    public static void main(String[] args) throws Exception {
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        Map<String, List<String>> o = options(args);
        BufferedReader control = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        ListAppender<ILoggingEvent> logs = captureFailureLog();
        Map<String, String> result = new LinkedHashMap<>();
        try (ScenarioServers servers = new ScenarioServers(control)) {
            for (String spec : o.getOrDefault("serve", List.of())) {
                servers.start(spec);
            }
            for (String name : o.getOrDefault("event", List.of())) {
                event(name, control);
            }
            Upstream.Builder b = Upstream.builder("backend").baseUri(one(o, "target", null)).policy(policy(o));
            if (o.containsKey("trust")) {
                b.sslContext(trusting(Path.of(one(o, "trust", null))));
            }
            try (Upstream upstream = b.build()) {
                if (o.containsKey("frontProxy")) {
                    ScenarioFrontProxy.run(upstream, control, Integer.parseInt(one(o, "frontProxy", null)),
                            Duration.ofMillis(num(o, "gatewayDeadline", 3000)), result);
                } else if (o.containsKey("migrateAfter")) {
                    ScenarioMigration.run(upstream, control, num(o, "migrateAfter", 0), num(o, "runAfter", 0),
                            result);
                } else {
                    calls(upstream, (int) num(o, "calls", 1), (int) num(o, "users", 1), logs, result);
                }
                result.put("leased", String.valueOf(upstream.connectionPoolStats().getLeased()));
                result.put("pooled", String.valueOf(upstream.connectionPoolStats().getAvailable()));
            }
        }
        result.put("threadsLeft", threadsLeft(before));
        synchronized (OUT) {
            result.forEach((k, v) -> System.out.println("R " + k + "=" + v.replace('\n', ' ')));
            System.out.println("DONE");
            System.out.flush();
        }
        System.exit(0);
    }

    private static UpstreamPolicy policy(Map<String, List<String>> o) {
        RetryPolicy.Builder retry = RetryPolicy.builder()
                .maxAttempts((int) num(o, "attempts", 3))
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200), 2);
        if ("unlimited".equals(one(o, "budget", "default"))) {
            retry.budget(RetryBudgetConfig.unlimited());
        }
        return UpstreamPolicy.builder()
                .connectTimeout(Duration.ofMillis(num(o, "connect", 500)))
                .attemptTimeout(Duration.ofMillis(num(o, "attempt", 1500)))
                .poolLeaseTimeout(Duration.ofMillis(Math.min(500, num(o, "attempt", 1500))))
                .requestTimeout(Duration.ofMillis(num(o, "request", 4000)))
                .maxConnectionLifetime(Duration.ofMillis(num(o, "lifetime", 300_000)))
                .circuitBreakerEnabled(false)
                .retry(retry.build())
                .build();
    }

    /** {@code users} threads, {@code calls} calls in all, each with its own correlation ID. */
    private static void calls(Upstream upstream, int calls, int users, ListAppender<ILoggingEvent> logs,
            Map<String, String> result) throws Exception {
        List<long[]> elapsed = Collections.synchronizedList(new ArrayList<>());
        Map<String, Integer> kinds = Collections.synchronizedMap(new TreeMap<>());
        List<Failed> failures = Collections.synchronizedList(new ArrayList<>());
        long[] attempts = new long[1];
        ExecutorService pool = Executors.newFixedThreadPool(users);
        long wallStart = System.nanoTime();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                String id = "kf" + ProcessHandle.current().pid() + "c" + i;
                done.add(pool.submit(() -> {
                    long start = System.nanoTime();
                    try (RequestContext.Scope ignored = RequestContext.of(id, null, null).attach()) {
                        UpstreamResponse r = upstream.execute(ClassicRequestBuilder.get("/data").build());
                        synchronized (attempts) {
                            attempts[0] += r.attempts();
                        }
                        elapsed.add(new long[] {System.nanoTime() - start, 1});
                        kinds.merge("ok", 1, Integer::sum);
                    } catch (UpstreamException e) {
                        synchronized (attempts) {
                            attempts[0] += e.attempts();
                        }
                        elapsed.add(new long[] {System.nanoTime() - start, 0});
                        kinds.merge(e.kind().errorType(), 1, Integer::sum);
                        failures.add(new Failed(id, e));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
        result.put("wallMs", String.valueOf(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - wallStart)));
        result.put("calls", String.valueOf(calls));
        result.put("kinds", kinds.toString());
        result.put("attemptsTotal", String.valueOf(attempts[0]));
        result.put("p50", String.valueOf(percentile(elapsed, 0.50, false)));
        result.put("p99", String.valueOf(percentile(elapsed, 0.99, false)));
        result.put("okP50", String.valueOf(percentile(elapsed, 0.50, true)));
        result.put("okP99", String.valueOf(percentile(elapsed, 0.99, true)));
        result.put("maxFailureElapsed", String.valueOf(failures.stream()
                .mapToLong(f -> f.e().elapsed().toMillis()).max().orElse(-1)));
        result.put("maxAttempts", String.valueOf(failures.stream().mapToInt(f -> f.e().attempts()).max()
                .orElse(0)));
        result.put("unlogged", String.valueOf(failures.stream().filter(f -> logLine(logs, f.id()) == null).count()));
        if (!failures.isEmpty()) {
            UpstreamException e = failures.get(0).e();
            result.put("kind", e.kind().errorType());
            result.put("status", String.valueOf(e.status()));
            result.put("attempts", String.valueOf(e.attempts()));
            result.put("elapsedMs", String.valueOf(e.elapsed().toMillis()));
            result.put("details", e.details());
            result.put("log", String.valueOf(logLine(logs, failures.get(0).id())));
        }
    }

    private record Failed(String id, UpstreamException e) {
    }

    /** The failure log line of the call with correlation ID {@code id}, or null when it logged none. */
    private static String logLine(ListAppender<ILoggingEvent> logs, String id) {
        synchronized (logs) {
            for (ILoggingEvent ev : logs.list) {
                String line = ev.getFormattedMessage();
                if (line.contains(" correlationId=" + id + " ")) {
                    return line;
                }
            }
        }
        return null;
    }

    private static long percentile(List<long[]> samples, double q, boolean okOnly) {
        List<Long> ms = new ArrayList<>();
        synchronized (samples) {
            for (long[] s : samples) {
                if (!okOnly || s[1] == 1) {
                    ms.add(TimeUnit.NANOSECONDS.toMillis(s[0]));
                }
            }
        }
        if (ms.isEmpty()) {
            return -1;
        }
        Collections.sort(ms);
        return ms.get(Math.min(ms.size() - 1, (int) Math.ceil(q * ms.size()) - 1));
    }

    private static ListAppender<ILoggingEvent> captureFailureLog() {
        Logger logger = (Logger) LoggerFactory.getLogger("dev.upstreamguard.core.Upstream");
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
        ListAppender<ILoggingEvent> appender = new ListAppender<>() {
            @Override
            protected void append(ILoggingEvent e) {
                synchronized (this) {
                    super.append(e);
                }
            }
        };
        appender.start();
        logger.addAppender(appender);
        return appender;
    }

    /** Threads started since {@code before} and still alive after up to 5 s (the scenario's servers excepted). */
    private static String threadsLeft(Set<Thread> before) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<String> left;
        do {
            left = new ArrayList<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (!before.contains(t) && t.isAlive() && !t.getName().startsWith("scenario-")
                        && t != Thread.currentThread()) {
                    left.add(t.getName());
                }
            }
            if (!left.isEmpty()) {
                Thread.sleep(50); // polling a condition with a bound, not a stand-in for synchronisation
            }
        } while (!left.isEmpty() && System.nanoTime() < end);
        return left.isEmpty() ? "none" : String.join(",", left);
    }

    /** Asks the suite to act now and waits for its answer. */
    static void event(String name, BufferedReader control) {
        event(name, "", control);
    }

    /** Asks the suite to act now, telling it {@code arg}, and waits for its answer. */
    static void event(String name, String arg, BufferedReader control) {
        synchronized (OUT) {
            System.out.println("EVENT " + name + (arg.isEmpty() ? "" : " " + arg));
            System.out.flush();
        }
        try {
            for (int i = 0; i < 100; i++) {
                String line = control.readLine();
                if (line == null || line.equals("GO " + name)) {
                    return;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void println(String line) {
        synchronized (OUT) {
            System.out.println(line);
            System.out.flush();
        }
    }

    private static SSLContext trusting(Path trustStore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(trustStore)) {
            ks.load(in, ScenarioServers.PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static Map<String, List<String>> options(String[] args) {
        Map<String, List<String>> o = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            o.computeIfAbsent(a.substring(0, eq), k -> new ArrayList<>()).add(a.substring(eq + 1));
        }
        return o;
    }

    private static String one(Map<String, List<String>> o, String key, String dflt) {
        List<String> v = o.get(key);
        return v == null ? dflt : v.get(0);
    }

    private static long num(Map<String, List<String>> o, String key, long dflt) {
        String v = one(o, key, null);
        return v == null ? dflt : Long.parseLong(v);
    }
}
