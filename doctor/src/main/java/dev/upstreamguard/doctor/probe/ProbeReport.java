package dev.upstreamguard.doctor.probe;

import dev.upstreamguard.doctor.Verdict;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a probe found: one {@link PhaseResult} per phase, in order, and the overall verdict. The problem reported
 * overall is the first failed phase, else the first degraded one.
 *
 * @param target the URL probed (path included)
 * @param method {@code GET} or {@code HEAD}
 * @param startedAt when the probe started
 * @param elapsed how long it took
 * @param budget the time budget it had
 * @param phases every phase, in order (skipped ones included)
 */
public record ProbeReport(URI target, String method, Instant startedAt, Duration elapsed, Duration budget,
        List<PhaseResult> phases) {

    /** The {@code schema} member of {@link #toMap()}; changes when the JSON shape changes incompatibly. */
    public static final String SCHEMA = "upstream-guard-doctor/probe/1";

    /** Validates and copies the phases. */
    public ProbeReport {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(budget, "budget");
        phases = List.copyOf(phases);
    }

    /** The worst verdict of all phases. */
    public Verdict verdict() {
        Verdict worst = Verdict.OK;
        for (PhaseResult p : phases) {
            worst = worst.worst(p.verdict());
        }
        return worst;
    }

    /** The phase that decides the verdict: the first failed one, else the first degraded one; empty when ok. */
    public Optional<PhaseResult> problem() {
        for (Verdict v : List.of(Verdict.FAILED, Verdict.DEGRADED)) {
            for (PhaseResult p : phases) {
                if (p.verdict() == v) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /** The result of {@code phase}. */
    public PhaseResult phase(ProbePhase phase) {
        return phases.stream().filter(p -> p.phase() == phase).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no phase " + phase + " in this report"));
    }

    /**
     * The report as plain maps and lists in the documented JSON shape ({@code docs/doctor-probe.md}), ready for
     * any JSON writer (the CLI's, Jackson in the Actuator endpoint).
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", SCHEMA);
        m.put("target", target.toString());
        m.put("method", method);
        m.put("startedAt", startedAt.toString());
        m.put("elapsedMs", elapsed.toMillis());
        m.put("budgetMs", budget.toMillis());
        m.put("verdict", verdict().tagValue());
        PhaseResult problem = problem().orElse(null);
        m.put("phase", problem == null ? null : problem.phase().tagValue());
        m.put("kind", problem == null || problem.kind() == null ? null : problem.kind().name());
        m.put("errorType", problem == null ? null : problem.errorType());
        m.put("reason", problem == null ? "ok" : problem.reason());
        m.put("hop", problem == null ? null : problem.hop().tagValue());
        m.put("hopLabel", problem == null ? null : problem.hop().label());
        m.put("fix", problem == null ? null : problem.fix());
        List<Object> list = new ArrayList<>();
        for (PhaseResult p : phases) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("phase", p.phase().tagValue());
            pm.put("verdict", p.skipped() ? "skipped" : p.verdict().tagValue());
            pm.put("elapsedMs", p.elapsed().toMillis());
            pm.put("summary", p.summary());
            pm.put("kind", p.kind() == null ? null : p.kind().name());
            pm.put("errorType", p.errorType());
            pm.put("reason", p.reason());
            pm.put("hop", p.hop() == null ? null : p.hop().tagValue());
            pm.put("fix", p.fix());
            pm.put("facts", p.facts());
            list.add(pm);
        }
        m.put("phases", list);
        return m;
    }
}
