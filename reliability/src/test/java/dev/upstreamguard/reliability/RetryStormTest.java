package dev.upstreamguard.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.core.retry.RetryBudgetConfig;
import dev.upstreamguard.core.retry.RetryPolicy;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.test.junit.LeakCheck;
import dev.upstreamguard.servlet.UpstreamGuardConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A 100%-failing upstream (503 to every attempt) under load through the gateway, with the default retry policy
 * (3 attempts) and retry budget (20% of the requests of the last 10 s, plus 1 retry per second): the attempts
 * the upstream receives per request the gateway receives stay within the budget, about 1.2, instead of 3. The
 * same load against an upstream with an unlimited budget shows the 3x that the budget prevents.
 */
@Tag("slow")
class RetryStormTest {
    private static final Duration DURATION = Settings.duration("storm.duration", Duration.ofSeconds(15));
    private static final Duration CONTRAST = Duration.ofSeconds(4);
    private static final int USERS = 32;
    private static final long THINK_NANOS = 20_000_000L;

    /** Closes what a test opened, newest first. */
    @RegisterExtension
    final LeakCheck resources = new LeakCheck((Upstream u) -> u.connectionPoolStats().getLeased());

    @Test
    void attemptsPerRequestStayWithinTheRetryBudgetWhenTheUpstreamAlwaysFails() throws Exception {
        FaultyUpstream failing = resources.track(FaultyUpstream.start(Fault.status(503, "down")));
        FaultyUpstream failingToo = resources.track(FaultyUpstream.start(Fault.status(503, "down")));
        RetryBudgetConfig budget = RetryBudgetConfig.ofDefaults();
        UpstreamPolicy policy = UpstreamPolicy.builder()
                .requestTimeout(Duration.ofSeconds(2))
                .attemptTimeout(Duration.ofMillis(500))
                .connectTimeout(Duration.ofMillis(250))
                .poolLeaseTimeout(Duration.ofMillis(250))
                .circuitBreakerEnabled(false) // an open breaker would stop the attempts, not the budget
                .retry(RetryPolicy.builder().budget(budget).build())
                .build();
        MeterRegistry meters = new SimpleMeterRegistry();
        Upstream storm = resources.track(Upstream.builder("storm").baseUri(failing.baseUri()).policy(policy)
                .meterRegistry(meters).build());
        Upstream unbudgeted = resources.track(Upstream.builder("unbudgeted").baseUri(failingToo.baseUri())
                .policy(UpstreamPolicy.from(policy)
                        .retry(RetryPolicy.builder().budget(RetryBudgetConfig.unlimited()).build()).build())
                .build());
        GatewayApp app = resources.track(GatewayApp.builder(UpstreamGuardConfig.builder().build())
                .route("storm", storm).route("unbudgeted", unbudgeted).start());

        Tally tally = new Tally();
        long started = System.nanoTime();
        load(app, "storm", DURATION, tally);
        double seconds = (System.nanoTime() - started) / 1e9;
        long requests = app.route("storm").requests();
        long attempts = failing.requestsReceived();
        double ratio = (double) attempts / requests;
        // The budget's rule: retries in any 10 s window <= 20% of that window's requests + 1/s x 10 s. Its window
        // is a ring of 1 s buckets aligned to the clock, so a run of T seconds spans ceil(T / 10) + 1 windows,
        // each with its own floor.
        long windows = (long) Math.ceil(seconds / budget.window().toSeconds()) + 1;
        double allowed = 1 + budget.ratio()
                + budget.minRetriesPerSecond() * budget.window().toSeconds() * windows / requests;
        double retries = meters.counter("upstream.guard.retries", "upstream", "storm", "kind", "upstream_status").count();
        double suppressed = meters.counter("upstream.guard.retries.suppressed", "upstream", "storm").count();

        load(app, "unbudgeted", CONTRAST, new Tally());
        double unbudgetedRatio = (double) failingToo.requestsReceived() / app.route("unbudgeted").requests();

        ReliabilityReport.section("Retry storm")
                .setting("duration", DURATION).setting("users", USERS + " (0..20 ms think time)")
                .setting("upstream", "503 to every attempt").setting("retry", "3 attempts, default budget (20% + 1/s over 10 s)")
                .figure("requests received by the gateway", requests)
                .figure("attempts received by the upstream", attempts)
                .figure("attempts per request", ratio)
                .figure("allowed by the budget (1 + 20% + floor of each window)", allowed)
                .figure("retries counted (upstream.guard.retries)", (long) retries)
                .figure("retries refused by the budget (upstream.guard.retries.suppressed)", (long) suppressed)
                .figure("gateway answers", tally.snapshot())
                .figure("attempts per request with an unlimited budget (" + CONTRAST.toSeconds() + " s)", unbudgetedRatio)
                .write();

        assertThat(tally.problems()).as(tally.problemSummary()).isZero();
        assertThat(ratio).as("attempts per request").isLessThanOrEqualTo(allowed).isGreaterThan(1.1);
        assertThat(attempts).as("attempts = requests + counted retries").isEqualTo(requests + (long) retries);
        assertThat(suppressed).as("retries the budget refused").isPositive();
        assertThat(unbudgetedRatio).as("attempts per request without a budget").isGreaterThan(2.5);
    }

    private static void load(GatewayApp app, String route, Duration duration, Tally tally) throws Exception {
        byte[] request = RawHttpConnection.get("/" + route + "/items", List.of("Accept: application/json"));
        VirtualUsers.run("storm-" + route, app.port(), USERS, duration, 10_000_000L, 7,
                (user, connection, random) -> {
                    LockSupport.parkNanos(random.nextLong(THINK_NANOS + 1));
                    try {
                        RawResponse r = connection.exchange(request, 7_000);
                        tally.count(Integer.toString(r.status()));
                        List<String> problems = ResponseChecks.problems(r, null);
                        if (r.status() != 503 || !problems.isEmpty()) {
                            tally.problem(r.status() + " " + problems + ": " + r);
                        }
                    } catch (IOException e) {
                        tally.problem("no well-formed answer: " + e);
                    }
                });
    }
}
