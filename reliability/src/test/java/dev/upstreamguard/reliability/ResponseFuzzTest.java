package dev.upstreamguard.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.core.UpstreamResponse;
import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.core.retry.RetryPolicy;
import dev.upstreamguard.reliability.FuzzCases.Answer;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hc.client5.http.impl.DefaultRedirectStrategy;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Core's response path against random and mutated bytes from a raw-socket upstream ({@link FuzzCases}, seeded):
 * every call ends, within its deadline, in either a valid response or an {@link UpstreamException} of a real
 * failure kind (not the internal-error or configuration-error fallbacks), and no connection is left leased or
 * open. Every 50th case is a canary, a valid answer naming its case: getting another case's bytes back means a
 * connection was reused with a previous answer's leftovers in it. A canary may fail, classified, when a previous
 * answer's late bytes arrive on its reused connection after its request went out (no HTTP/1.1 client can tell
 * those from the answer); it must never succeed with the wrong body. The bugs this found are pinned by
 * {@link ResponseEdgeCasesTest}.
 */
@Tag("slow")
class ResponseFuzzTest {
    private static final int CASES = Settings.integer("fuzz.cases", 2000);
    private static final long SEED = Settings.number("fuzz.seed", 4242L);
    private static final int WORKERS = 16;
    private static final Duration DEADLINE = Duration.ofMillis(600);
    private static final Duration HANG = DEADLINE.plusSeconds(1);
    private static final Set<FailureKind> FALLBACK_KINDS = EnumSet.of(FailureKind.INTERNAL_ERROR,
            FailureKind.CONFIGURATION_ERROR);

    @Test
    @SuppressWarnings("try") // the upstream is closed early, to see that the server side has no connection left
    void everyAnswerEndsAsAValidResponseOrAClassifiedFailure() throws Exception {
        Tally outcomes = new Tally();
        Tally problems = new Tally();
        AtomicLong slowestNanos = new AtomicLong();
        AtomicInteger canaries = new AtomicInteger();
        AtomicIntegerArray current = new AtomicIntegerArray(WORKERS);
        try (FaultyUpstream server = FaultyUpstream.start(Fault.dynamic(r -> answerFor(r.path()).fault()));
                Upstream upstream = Upstream.builder("fuzz").baseUri(server.baseUri())
                        .policy(UpstreamPolicy.builder()
                                .requestTimeout(DEADLINE)
                                .attemptTimeout(Duration.ofMillis(250))
                                .connectTimeout(Duration.ofMillis(200))
                                .poolLeaseTimeout(Duration.ofMillis(200))
                                .maxConcurrentCalls(2 * WORKERS)
                                .circuitBreakerEnabled(false) // every case must reach the socket
                                .retry(RetryPolicy.builder().maxAttempts(2).build())
                                .build())
                        .customizeClient(b -> b.setRedirectStrategy(new LoopbackOnlyRedirects()))
                        .build()) {
            AtomicInteger next = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(WORKERS);
            long started = System.nanoTime();
            for (int w = 0; w < WORKERS; w++) {
                int worker = w;
                Thread t = new Thread(() -> {
                    try {
                        for (int i = next.getAndIncrement(); i < CASES; i = next.getAndIncrement()) {
                            current.set(worker, i);
                            boolean canary = i % 50 == 49;
                            if (canary) {
                                canaries.incrementAndGet();
                            }
                            long t0 = System.nanoTime();
                            String problem = runCase(upstream, i, canary, outcomes);
                            long took = System.nanoTime() - t0;
                            slowestNanos.accumulateAndGet(took, Math::max);
                            if (took > HANG.toNanos()) {
                                problem = (problem == null ? "" : problem + "; ") + "took " + took / 1_000_000 + " ms";
                            }
                            if (problem != null) {
                                problems.problem("case " + i + " (" + describe(i, canary) + "): " + problem);
                            }
                        }
                        current.set(worker, -1);
                    } finally {
                        done.countDown();
                    }
                }, "fuzz-worker-" + w);
                t.setDaemon(true);
                t.start();
            }
            long bound = (CASES / WORKERS + 1) * HANG.toMillis() + 60_000;
            boolean finished = done.await(bound, TimeUnit.MILLISECONDS);
            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(finished).as("fuzz workers finished; cases in progress: %s", current).isTrue();

            boolean released = quietly(() -> upstream.connectionPoolStats().getLeased() == 0);
            int leased = upstream.connectionPoolStats().getLeased();
            int pooled = upstream.connectionPoolStats().getAvailable();
            upstream.close();
            boolean allClosed = quietly(() -> server.openConnections() == 0);

            ReliabilityReport.section("Fuzz")
                    .setting("cases", CASES).setting("seed", SEED).setting("parallel callers", WORKERS)
                    .setting("deadline", DEADLINE)
                    .figure("duration (s)", seconds)
                    .figure("outcomes", outcomes.snapshot())
                    .figure("canary cases answered correctly / failed, classified / answered wrongly (asserted 0)",
                            outcomes.get("canary ok") + " / " + outcomes.get("canary failed, classified") + " / "
                                    + outcomes.get("canary answered wrongly") + " of " + canaries.get())
                    .figure("slowest call (ms)", slowestNanos.get() / 1e6)
                    .figure("problems (unclassified, fallback kinds, hangs, wrong answers)", problems.problems())
                    .figure("connections at the end: leased / idle in the pool / open at the upstream after close",
                            leased + " / " + pooled + " / " + server.openConnections())
                    .write();

            assertThat(problems.problems()).as(problems.problemSummary()).isZero();
            assertThat(released).as("no connection leased at the end (%d leased)", leased).isTrue();
            assertThat(allClosed).as("no connection left open at the upstream once the pool closed").isTrue();
            assertThat(server.answerErrors()).as("answers the fixture failed to make").isZero();
            assertThat(outcomes.get("canary ok") + outcomes.get("canary failed, classified")).as("canaries ended")
                    .isEqualTo(canaries.get());
        }
    }

    /** Whether {@code condition} holds within 5 s. */
    private static boolean quietly(java.util.concurrent.Callable<Boolean> condition) {
        try {
            await().atMost(Duration.ofSeconds(5)).pollInSameThread().until(condition);
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return false;
        }
    }

    /** The case's answer; anything else (a redirect's target, possibly mutated) gets a plain 200. */
    private static Answer answerFor(String target) {
        if (target.matches("/fuzz/[0-9]{1,9}")) {
            return FuzzCases.answer(SEED, Integer.parseInt(target.substring(6)));
        }
        if (target.matches("/canary/[0-9]{1,9}")) {
            return FuzzCases.canary(Integer.parseInt(target.substring(8)));
        }
        return new Answer(FuzzCases.ascii("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nredirected"), 1,
                Fault.After.FIN);
    }

    private static String describe(int i, boolean canary) {
        if (canary) {
            return "canary";
        }
        Answer a = FuzzCases.answer(SEED, i);
        return a.after() + ", " + a.pieces() + " piece(s): " + FuzzCases.preview(a.bytes());
    }

    /** Runs one case; a description of what is wrong with its outcome, or null. */
    private static String runCase(Upstream upstream, int i, boolean canary, Tally outcomes) {
        try {
            UpstreamResponse r = upstream.execute(ClassicRequestBuilder.get((canary ? "/canary/" : "/fuzz/") + i).build());
            outcomes.count("response " + r.status() / 100 + "xx");
            List<String> wrong = new ArrayList<>();
            if (r.status() < 100 || r.status() > 499) {
                wrong.add("status " + r.status() + " returned as a response");
            }
            String length = r.header("Content-Length");
            if (length != null && length.matches("[0-9]{1,9}") && r.status() >= 200 && r.status() != 204
                    && r.status() != 304 && Integer.parseInt(length) != r.body().length) {
                wrong.add("body of " + r.body().length + " bytes under Content-Length " + length);
            }
            if (canary) {
                if (r.status() == 200 && r.bodyAsString().equals("canary-" + i)) {
                    outcomes.count("canary ok");
                } else {
                    outcomes.count("canary answered wrongly");
                    wrong.add("canary answered " + r);
                }
            }
            return wrong.isEmpty() ? null : String.join("; ", wrong);
        } catch (UpstreamException e) {
            outcomes.count("failure " + e.kind().tagValue());
            if (FALLBACK_KINDS.contains(e.kind())) {
                return "classified only as " + e.kind() + ": " + causes(e);
            }
            if (e.status() < 502 || e.status() > 504) {
                return "status " + e.status() + " for " + e.kind();
            }
            if (canary) {
                // Safe, if not pretty: bytes a previous answer sent after the canary's request went out on the
                // reused connection (no client can tell them from the answer) made the canary fail, classified.
                outcomes.count("canary failed, classified");
                outcomes.count("canary failed: " + e.kind().tagValue() + " (" + e.details() + ")");
            }
            return null;
        } catch (Throwable e) {
            outcomes.count("unclassified " + e.getClass().getSimpleName());
            return "unclassified " + e;
        }
    }

    private static String causes(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = e.getCause(); c != null && sb.length() < 500; c = c.getCause()) {
            sb.append(" <- ").append(c);
        }
        return sb.toString();
    }

    /** Follows redirects as HttpClient does, but never off 127.0.0.1 (tests stay on loopback). */
    private static final class LoopbackOnlyRedirects extends DefaultRedirectStrategy {
        @Override
        public URI getLocationURI(HttpRequest request, HttpResponse response, HttpContext context)
                throws HttpException {
            URI uri = super.getLocationURI(request, response, context);
            if (uri.getHost() != null && !uri.getHost().equals("127.0.0.1")) {
                throw new ProtocolException("redirect off loopback refused by the test");
            }
            return uri;
        }
    }
}
