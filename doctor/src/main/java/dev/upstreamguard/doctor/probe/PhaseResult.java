package dev.upstreamguard.doctor.probe;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.doctor.Hop;
import dev.upstreamguard.doctor.Verdict;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How one phase of a probe came out.
 *
 * @param phase the phase
 * @param verdict ok, degraded or failed ({@link Verdict#OK} when skipped)
 * @param skipped whether the phase did not run (an earlier phase failed, not https, or no time left)
 * @param elapsed how long the phase took
 * @param summary one line for people
 * @param facts what was measured, in a stable order; values are strings, numbers, booleans, lists and maps
 * @param kind the failure kind when not ok and the problem maps to one, else {@code null}
 * @param errorType the RFC 9209 Proxy-Status error type when not ok and one applies, else {@code null}
 * @param hop the hop at fault when not ok, else {@code null}
 * @param fix the fix in one sentence when not ok, else {@code null}
 */
public record PhaseResult(ProbePhase phase, Verdict verdict, boolean skipped, Duration elapsed, String summary,
        Map<String, Object> facts, FailureKind kind, String errorType, Hop hop, String fix) {

    /** Reason tag of a 5xx answer (the error type is {@code null} there: the upstream answered). */
    public static final String REASON_UPSTREAM_STATUS = "upstream_status";
    /** Reason tag of a 4xx answer (degraded: the probe's path or headers are probably wrong). */
    public static final String REASON_CLIENT_STATUS = "client_status";

    /** Validates and copies the facts (their order is kept). */
    public PhaseResult {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(summary, "summary");
        facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts == null ? Map.of() : facts));
        if (verdict == Verdict.OK && (kind != null || errorType != null || hop != null || fix != null)) {
            throw new IllegalArgumentException("an ok phase carries no failure, but " + phase + " had " + kind);
        }
        if (verdict != Verdict.OK && (hop == null || fix == null)) {
            throw new IllegalArgumentException("a " + verdict + " phase needs a hop and a fix, but "
                    + phase + " had hop " + hop + " and fix " + fix);
        }
    }

    static PhaseResult ok(ProbePhase phase, Duration elapsed, String summary, Map<String, Object> facts) {
        return new PhaseResult(phase, Verdict.OK, false, elapsed, summary, facts, null, null, null, null);
    }

    static PhaseResult skipped(ProbePhase phase, String why) {
        return new PhaseResult(phase, Verdict.OK, true, Duration.ZERO, "skipped: " + why, Map.of(),
                null, null, null, null);
    }

    static PhaseResult problem(ProbePhase phase, Verdict verdict, Duration elapsed, String summary,
            Map<String, Object> facts, FailureKind kind, Hop hop, String fix) {
        return problem(phase, verdict, elapsed, summary, facts, kind, kind == null ? null : kind.errorType(), hop,
                fix);
    }

    static PhaseResult problem(ProbePhase phase, Verdict verdict, Duration elapsed, String summary,
            Map<String, Object> facts, FailureKind kind, String errorType, Hop hop, String fix) {
        return new PhaseResult(phase, verdict, false, elapsed, summary, facts, kind, errorType, hop, fix);
    }

    /**
     * The enumerable reason for metric tags: {@code ok}, an RFC 9209 error type (such as
     * {@code connection_refused}), {@link #REASON_UPSTREAM_STATUS} or {@link #REASON_CLIENT_STATUS}.
     */
    public String reason() {
        if (verdict == Verdict.OK) {
            return "ok";
        }
        if (errorType != null) {
            return errorType;
        }
        return kind == FailureKind.UPSTREAM_STATUS ? REASON_UPSTREAM_STATUS : REASON_CLIENT_STATUS;
    }
}
