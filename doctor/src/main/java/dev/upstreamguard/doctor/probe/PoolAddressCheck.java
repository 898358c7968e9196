package dev.upstreamguard.doctor.probe;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.doctor.Hop;
import dev.upstreamguard.doctor.Verdict;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Adds to the resolve phase of an {@code Upstream}'s probe the addresses its pool holds connections to, and degrades
 * it when some are no longer among the name's addresses: after a DNS migration, pooled connections keep going to
 * the old address until they are replaced (HttpClient's time-to-live, the policy's {@code maxConnectionLifetime}).
 */
final class PoolAddressCheck {
    private PoolAddressCheck() {
    }

    static PhaseResult apply(PhaseResult resolve, List<InetAddress> resolved, int port, Map<String, Integer> pool,
            Duration maxConnectionLifetime) {
        if (pool == null || resolve.verdict() != Verdict.OK || resolve.skipped()) {
            return resolve;
        }
        Map<String, Object> facts = new LinkedHashMap<>(resolve.facts());
        facts.put("poolAddresses", new TreeMap<>(pool));
        Set<String> current = resolved.stream().map(a -> address(a.getHostAddress(), port)).collect(Collectors.toSet());
        Map<String, Integer> stale = new TreeMap<>();
        pool.forEach((address, count) -> {
            if (!current.contains(address)) {
                stale.put(address, count);
            }
        });
        if (stale.isEmpty()) {
            return PhaseResult.ok(ProbePhase.RESOLVE, resolve.elapsed(), resolve.summary(), facts);
        }
        facts.put("poolAddressesNotResolved", stale);
        int connections = stale.values().stream().mapToInt(Integer::intValue).sum();
        String lifetime = maxConnectionLifetime == null ? "" : " (" + Words.duration(maxConnectionLifetime) + ")";
        return PhaseResult.problem(ProbePhase.RESOLVE, Verdict.DEGRADED, resolve.elapsed(), resolve.summary()
                + "; the pool holds " + connections + (connections == 1 ? " connection" : " connections") + " to "
                + String.join(", ", stale.keySet()) + ", no longer among them", facts, FailureKind.DNS_ERROR,
                Hop.CLIENT_POOL, "the pool replaces them within maxConnectionLifetime" + lifetime
                        + ": lower it if traffic must follow a DNS change sooner.");
    }

    /** {@code ip:port}, {@code [ip]:port} for IPv6: the form of {@code Upstream.connectionAddresses()}. */
    static String address(String ip, int port) {
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port;
    }
}
