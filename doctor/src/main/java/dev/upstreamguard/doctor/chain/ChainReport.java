package dev.upstreamguard.doctor.chain;

import dev.upstreamguard.doctor.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the chain check found: the hops and pools it read and a finding per rule and pair.
 *
 * @param hops     the hops, front to back
 * @param pools    the application's clients of its upstreams
 * @param findings every finding, in chain order
 */
public record ChainReport(List<ChainHop> hops, List<ClientPool> pools, List<Finding> findings) {
    /** Copies the lists. */
    public ChainReport {
        hops = List.copyOf(hops);
        pools = List.copyOf(pools);
        findings = List.copyOf(findings);
    }

    /** The worst verdict of all findings; {@link Verdict#OK} when every rule holds. */
    public Verdict verdict() {
        Verdict v = Verdict.OK;
        for (Finding f : findings) {
            v = v.worst(f.verdict());
        }
        return v;
    }

    /** The findings that are not {@link Verdict#OK}. */
    public List<Finding> problems() {
        return findings.stream().filter(f -> f.verdict() != Verdict.OK).toList();
    }

    /**
     * The report as plain maps and lists in the JSON shape of {@code upstream-guard-doctor chain --json}
     * ({@code docs/timeout-chain.md}): {@code verdict}, {@code hops}, {@code pools} and {@code findings} (each with
     * {@code rule}, {@code verdict}, {@code front}, {@code back}, {@code values}, {@code message}, {@code fix}),
     * durations in milliseconds; ready for any JSON writer (the CLI's, Jackson in the Actuator endpoint).
     */
    public Map<String, Object> toMap() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("verdict", verdict().tagValue());
        List<Object> hopList = new ArrayList<>();
        for (ChainHop h : hops()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", h.name());
            m.put("hop", h.hop().tagValue());
            m.put("hopLabel", h.hop().label());
            m.put("keepAlive", setting(h.keepAlive()));
            m.put("poolIdle", setting(h.poolIdle()));
            m.put("connectTimeout", setting(h.connectTimeout()));
            m.put("responseTimeout", setting(h.responseTimeout()));
            m.put("deadline", setting(h.deadline()));
            hopList.add(m);
        }
        root.put("hops", hopList);
        List<Object> poolList = new ArrayList<>();
        for (ClientPool p : pools()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("upstream", p.upstream());
            m.put("connectTimeout", setting(p.connectTimeout()));
            m.put("attemptTimeout", setting(p.attemptTimeout()));
            m.put("maxAttempts", p.maxAttempts());
            m.put("backoffMs", p.backoff().toMillis());
            m.put("worstCaseMs", p.worstCase().toMillis());
            m.put("leaseTimeout", setting(p.leaseTimeout()));
            m.put("idleTimeout", setting(p.idleTimeout()));
            m.put("upstreamKeepAlive", setting(p.upstreamKeepAlive()));
            poolList.add(m);
        }
        root.put("pools", poolList);
        List<Object> findingList = new ArrayList<>();
        for (Finding f : findings()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rule", f.rule());
            m.put("verdict", f.verdict().tagValue());
            m.put("front", f.front());
            m.put("back", f.back());
            m.put("values", f.values());
            m.put("message", f.message());
            m.put("fix", f.fix());
            findingList.add(m);
        }
        root.put("findings", findingList);
        return root;
    }

    private static Object setting(Setting s) {
        if (s == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ms", s.value().toMillis());
        m.put("knob", s.knob());
        m.put("origin", s.origin());
        return m;
    }
}
