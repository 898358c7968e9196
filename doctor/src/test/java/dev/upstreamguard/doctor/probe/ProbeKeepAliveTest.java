package dev.upstreamguard.doctor.probe;

import static dev.upstreamguard.doctor.testing.Measured.assertNear;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.doctor.Hop;
import dev.upstreamguard.doctor.Verdict;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The keep-alive phase against servers that close idle connections at a known moment, by FIN or by RST. */
class ProbeKeepAliveTest {

    private static PhaseResult keepAlive(Fault fault, List<Duration> idle, Duration poolIdle) {
        try (FaultyUpstream server = FaultyUpstream.start(fault)) {
            ProbeReport report = UpstreamProbe.builder(server.baseUri()).idlePeriods(idle)
                    .poolIdleTimeout(poolIdle).budget(Duration.ofSeconds(20)).build().run();
            assertThat(report.phase(ProbePhase.TRANSFER).verdict()).isEqualTo(Verdict.OK);
            return report.phase(ProbePhase.KEEP_ALIVE);
        }
    }

    private static long closedAfter(PhaseResult p) {
        return ((Number) p.facts().get("closedAfterMs")).longValue();
    }

    @Test
    void closeByFinAfterOneSecondIsMeasuredAndTheDefaultPoolIdleIsFlagged() {
        Duration truth = Duration.ofSeconds(1);
        PhaseResult p = keepAlive(Fault.idleClose(truth, Fault.Close.FIN), List.of(Duration.ofMillis(2500)),
                Duration.ofSeconds(30));

        assertThat(p.facts()).containsEntry("closedBy", "FIN");
        assertNear("idle close by FIN at 1 s", closedAfter(p), truth);
        assertThat(p.verdict()).isEqualTo(Verdict.DEGRADED);
        assertThat(p.errorType()).isEqualTo("connection_terminated");
        assertThat(p.hop()).isEqualTo(Hop.CLIENT_POOL);
        assertThat(p.summary()).contains("the pool keeps them 30 s");
    }

    @Test
    void closeByRstAfterOneSecondIsToldApartFromFin() {
        Duration truth = Duration.ofSeconds(1);
        PhaseResult p = keepAlive(Fault.idleClose(truth, Fault.Close.RST), List.of(Duration.ofMillis(2500)),
                Duration.ofSeconds(30));

        assertThat(p.facts()).containsEntry("closedBy", "RST");
        assertNear("idle close by RST at 1 s", closedAfter(p), truth);
    }

    @Test
    void closeByFinAfterThreeSecondsComesAfterASuccessfulReuse() {
        Duration truth = Duration.ofSeconds(3);
        PhaseResult p = keepAlive(Fault.idleClose(truth, Fault.Close.FIN),
                List.of(Duration.ofSeconds(1), Duration.ofSeconds(5)), Duration.ofMillis(1500));

        assertThat(p.facts()).containsEntry("closedBy", "FIN");
        assertNear("idle close by FIN at 3 s", closedAfter(p), truth);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> tries = (List<Map<String, Object>>) p.facts().get("idle");
        assertThat(tries).extracting(m -> m.get("outcome")).containsExactly("reused", "closed by FIN");
        assertThat(p.verdict()).as("a 1.5 s pool idle time leaves the 1 s margin").isEqualTo(Verdict.OK);
    }

    @Test
    void closeByRstAfterThreeSecondsIsMeasured() {
        Duration truth = Duration.ofSeconds(3);
        PhaseResult p = keepAlive(Fault.idleClose(truth, Fault.Close.RST),
                List.of(Duration.ofSeconds(1), Duration.ofSeconds(5)), Duration.ofSeconds(30));

        assertThat(p.facts()).containsEntry("closedBy", "RST");
        assertNear("idle close by RST at 3 s", closedAfter(p), truth);
        assertThat(p.verdict()).isEqualTo(Verdict.DEGRADED);
        assertThat(p.fix()).startsWith("keep the client pool's idle time below 2.0 s");
    }

    @Test
    void advertisingTimeoutFiveButClosingAtTwoIsBlamedOnTheUpstream() {
        Duration truth = Duration.ofSeconds(2);
        PhaseResult p = keepAlive(Fault.idleClose(truth, Fault.Close.FIN, Duration.ofSeconds(5)),
                List.of(Duration.ofSeconds(1), Duration.ofSeconds(5)), Duration.ofSeconds(30));

        assertNear("advertises timeout=5, closes at 2 s", closedAfter(p), truth);
        assertThat(p.facts()).containsEntry("advertisedTimeoutSeconds", 5L)
                .containsEntry("effectivePoolIdleSeconds", 4.0);
        assertThat(p.verdict()).isEqualTo(Verdict.DEGRADED);
        assertThat(p.hop()).isEqualTo(Hop.UPSTREAM);
        assertThat(p.summary()).endsWith("though it advertises Keep-Alive: timeout=5");
        assertThat(p.fix()).startsWith("make the upstream keep idle connections for the 5 s it advertises");
    }

    @Test
    void requestDroppedOnAnIdleConnectionThatLookedOpenFailsTheKeepAlivePhase() {
        // The reuse: the server reads the request, then hangs up without a word.
        PhaseResult p = keepAlive(Fault.closeOnReuse("ok", Fault.Reuse.FIN_AFTER_REQUEST),
                List.of(Duration.ofMillis(300)), Duration.ofSeconds(10));

        assertThat(p.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(p.errorType()).isEqualTo("connection_terminated");
        assertThat(p.summary()).startsWith("a request on the connection idle for ");
    }

    @Test
    void connectionKeptLongerThanEveryIdlePeriodIsOk() {
        PhaseResult p = keepAlive(Fault.idleClose(Duration.ofSeconds(30), Fault.Close.FIN,
                Duration.ofSeconds(30)),
                List.of(Duration.ofMillis(300), Duration.ofMillis(600)), Duration.ofSeconds(10));

        assertThat(p.verdict()).isEqualTo(Verdict.OK);
        assertThat(p.facts()).containsEntry("closedBy", null);
        assertThat(((Number) p.facts().get("stillOpenAfterMs")).longValue()).isGreaterThanOrEqualTo(600);
    }

    @Test
    void connectionCloseAfterEachResponseHasNothingToReuse() {
        PhaseResult p = keepAlive(Fault.status(200, "ok", "Connection", "close"), List.of(Duration.ofSeconds(1)),
                Duration.ofSeconds(30));

        assertThat(p.verdict()).isEqualTo(Verdict.OK);
        assertThat(p.facts()).containsEntry("reusable", false);
    }

    @Test
    void idlePeriodsBeyondTheBudgetAreSkippedAndSaidSo() {
        try (FaultyUpstream server = FaultyUpstream.start(Fault.idleClose(Duration.ofSeconds(30), Fault.Close.FIN))) {
            ProbeReport report = UpstreamProbe.builder(server.baseUri()).budget(Duration.ofSeconds(3))
                    .idlePeriods(List.of(Duration.ofMillis(200), Duration.ofSeconds(65))).build().run();

            @SuppressWarnings("unchecked")
            List<Map<String, Object>> tries = (List<Map<String, Object>>) report.phase(ProbePhase.KEEP_ALIVE)
                    .facts().get("idle");
            assertThat(tries).extracting(m -> m.get("outcome"))
                    .containsExactly("reused", "skipped: not within the budget");
            assertThat(report.elapsed()).isLessThan(Duration.ofSeconds(3));
        }
    }
}
