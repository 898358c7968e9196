package dev.upstreamguard.doctor.probe;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.doctor.Hop;
import dev.upstreamguard.doctor.Verdict;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keep-alive phase: the connection is left idle for each configured period (shortest first, each counted from
 * the end of the previous response) and reused after it; while idle it is watched, so the moment the upstream
 * closes it, and whether by FIN or RST, is measured. The result is compared with the upstream's advertised
 * {@code Keep-Alive: timeout=} and with the client pool's idle time (cut to the advertised timeout minus a margin,
 * as core's pool does).
 */
final class KeepAliveStep {
    /** A close this much earlier than the advertised timeout counts as not keeping the promise. */
    private static final Duration EARLY = Duration.ofMillis(500);
    /** What a measured close time may be late by (scheduling on a loaded machine). */
    private static final Duration MEASURED_SLOP = Duration.ofMillis(100);

    /** How the watch ended. */
    private record Close(Duration after, String by) {
    }

    /** The settings: idle periods, the client pool's idle time (or null), the margin, the response timeout. */
    record Settings(List<Duration> idle, Duration poolIdle, Duration margin, Duration responseTimeout) {
    }

    private KeepAliveStep() {
    }

    static PhaseResult run(ProbeConnection c, ExchangeStep.Outcome first, ExchangeStep.Request request,
            Settings settings, Budget budget) {
        long start = System.nanoTime();
        Map<String, Object> facts = new LinkedHashMap<>();
        Long advertised = first.keepAliveTimeout();
        facts.put("advertisedTimeoutSeconds", advertised);
        facts.put("poolIdleSeconds", settings.poolIdle() == null ? null : Words.seconds(settings.poolIdle()));
        Duration effective = effectivePoolIdle(settings, advertised);
        facts.put("effectivePoolIdleSeconds", effective == null ? null : Words.seconds(effective));
        if (!first.reusable()) {
            facts.put("reusable", false);
            return PhaseResult.ok(ProbePhase.KEEP_ALIVE, Budget.since(start), "the upstream closes the "
                    + "connection after each response: nothing to reuse", facts);
        }
        facts.put("reusable", true);
        List<Object> tries = new ArrayList<>();
        facts.put("idle", tries);
        long idleStart = first.endNanos();
        Close close = null;
        Duration longestOpen = Duration.ZERO;
        for (Duration period : settings.idle()) {
            Duration reserve = settings.responseTimeout().compareTo(Duration.ofSeconds(2)) < 0
                    ? settings.responseTimeout() : Duration.ofSeconds(2);
            Duration waited = Budget.since(idleStart);
            if (budget.remaining().compareTo(period.minus(waited).plus(reserve)) < 0) {
                tries.add(attempt(period, "skipped: not within the budget", null));
                continue;
            }
            try {
                c.readTimeout(period.minus(waited).isNegative() ? Duration.ofMillis(1) : period.minus(waited));
                int b = c.in.read();
                Duration after = Budget.since(idleStart);
                if (b >= 0) {
                    tries.add(attempt(period, "unexpected data while idle", after));
                    return problem(start, facts, "the upstream sent data on an idle connection",
                            FailureKind.HTTP_PROTOCOL_ERROR, Hop.UPSTREAM, Verdict.DEGRADED,
                            "the upstream writes after its response ended: its framing (Content-Length) is wrong.");
                }
                close = new Close(after, "FIN");
                tries.add(attempt(period, "closed by FIN", after));
                break;
            } catch (SocketTimeoutException stillOpen) {
                longestOpen = Budget.since(idleStart);
                ExchangeStep.Outcome again = ExchangeStep.run(c, request, settings.responseTimeout());
                if (!again.ok()) {
                    tries.add(attempt(period, "reuse failed: " + again.processing().summary(), longestOpen));
                    return problem(start, facts, "a request on the connection idle for " + Words.duration(longestOpen)
                            + " failed: " + again.processing().summary(), FailureKind.CONNECTION_TERMINATED,
                            Hop.UPSTREAM, Verdict.FAILED, "the upstream drops requests on connections it is "
                            + "closing: keep the client pool's idle time well below "
                            + Words.duration(longestOpen) + " and retry once a reused connection that fails "
                            + "before any response byte.");
                }
                tries.add(attempt(period, "reused", longestOpen));
                idleStart = again.endNanos();
                if (!again.reusable()) {
                    break;
                }
            } catch (IOException e) {
                Duration after = Budget.since(idleStart);
                String by = ExchangeStep.isReset(e) || String.valueOf(e.getMessage()).contains("reset") ? "RST"
                        : "FIN";
                close = new Close(after, by);
                tries.add(attempt(period, "closed by " + by, after));
                break;
            }
        }
        return verdict(start, facts, close, longestOpen, advertised, effective, settings.margin());
    }

    private static PhaseResult verdict(long start, Map<String, Object> facts, Close close, Duration longestOpen,
            Long advertised, Duration effective, Duration margin) {
        facts.put("closedAfterMs", close == null ? null : close.after().toMillis());
        facts.put("closedBy", close == null ? null : close.by());
        facts.put("stillOpenAfterMs", close == null ? longestOpen.toMillis() : null);
        if (close == null) {
            String summary = "reused after idle; still open after " + Words.duration(longestOpen);
            if (advertised != null && effective != null
                    && effective.compareTo(Duration.ofSeconds(advertised).minus(margin)) > 0) {
                return problem(start, facts, summary, FailureKind.CONNECTION_TERMINATED, Hop.CLIENT_POOL,
                        Verdict.DEGRADED, "set the pool's idle timeout below " + advertised + " s minus a margin: "
                        + "the upstream advertises Keep-Alive: timeout=" + advertised + ".");
            }
            return PhaseResult.ok(ProbePhase.KEEP_ALIVE, Budget.since(start), summary, facts);
        }
        String closed = "closes idle connections after " + Words.duration(close.after()) + " by " + close.by();
        Duration safe = close.after().minus(margin);
        String keepBelow = safe.compareTo(Duration.ofMillis(100)) < 0
                ? "keep pooled connections idle well under " + Words.duration(close.after())
                : "keep the client pool's idle time below " + Words.duration(safe) + " ("
                        + Words.duration(close.after()) + " minus a margin)";
        if (advertised != null && close.after().compareTo(Duration.ofSeconds(advertised).minus(EARLY)) < 0) {
            return problem(start, facts, closed + ", though it advertises Keep-Alive: timeout=" + advertised,
                    FailureKind.CONNECTION_TERMINATED, Hop.UPSTREAM, Verdict.DEGRADED, "make the upstream keep "
                    + "idle connections for the " + advertised + " s it advertises (or advertise less), and "
                    + keepBelow + ": a client that trusts the header reuses closed connections (an "
                    + "intermittent 502).");
        }
        // The pool must leave the margin before the measured close (core's pool keeps advertised - margin);
        // MEASURED_SLOP absorbs a close measured a few ms late.
        if (effective != null && effective.compareTo(safe.plus(MEASURED_SLOP)) > 0) {
            return problem(start, facts, closed + "; the pool keeps them " + Words.duration(effective),
                    FailureKind.CONNECTION_TERMINATED, Hop.CLIENT_POOL, Verdict.DEGRADED, keepBelow
                    + ", or make the upstream keep idle connections longer: otherwise a pooled connection is "
                    + "reused as it closes (an intermittent 502).");
        }
        return PhaseResult.ok(ProbePhase.KEEP_ALIVE, Budget.since(start), closed, facts);
    }

    /** The pool's idle time as core's pool applies it: cut to the advertised timeout minus the margin. */
    static Duration effectivePoolIdle(Settings settings, Long advertised) {
        if (settings.poolIdle() == null || advertised == null) {
            return settings.poolIdle();
        }
        long ms = advertised * 1000;
        long safe = ms > settings.margin().toMillis() ? ms - settings.margin().toMillis() : ms / 2;
        return Duration.ofMillis(Math.min(settings.poolIdle().toMillis(), safe));
    }

    private static Map<String, Object> attempt(Duration idle, String outcome, Duration after) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("idleSeconds", Words.seconds(idle));
        m.put("outcome", outcome);
        m.put("ms", after == null ? null : after.toMillis());
        return m;
    }

    private static PhaseResult problem(long start, Map<String, Object> facts, String summary, FailureKind kind,
            Hop hop, Verdict verdict, String fix) {
        return PhaseResult.problem(ProbePhase.KEEP_ALIVE, verdict, Budget.since(start), summary, facts, kind, hop,
                fix);
    }
}
