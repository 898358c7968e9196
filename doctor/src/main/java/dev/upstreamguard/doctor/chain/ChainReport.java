package dev.upstreamguard.doctor.chain;

import dev.upstreamguard.doctor.Verdict;
import java.util.List;

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
}
