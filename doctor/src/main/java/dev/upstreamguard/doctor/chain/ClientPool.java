package dev.upstreamguard.doctor.chain;

import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.core.retry.RetryPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * The application's client of one upstream: core's policy numbers and the upstream's own keep-alive.
 *
 * @param upstream          the upstream's logical name
 * @param connectTimeout    the TCP connect timeout
 * @param attemptTimeout    the bound of one attempt (connect included)
 * @param maxAttempts       attempts in all, the first included
 * @param backoff           the longest total backoff between the attempts
 * @param leaseTimeout      the longest wait for a pooled connection
 * @param idleTimeout       how long a pooled connection may stay idle
 * @param upstreamKeepAlive how long the upstream keeps an idle connection (advertised, declared or measured by
 *                          the probe), or {@code null} when unknown
 */
public record ClientPool(String upstream, Setting connectTimeout, Setting attemptTimeout, int maxAttempts,
        Duration backoff, Setting leaseTimeout, Setting idleTimeout, Setting upstreamKeepAlive) {
    /** Checks the fields. */
    public ClientPool {
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(attemptTimeout, "attemptTimeout");
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(leaseTimeout, "leaseTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, but was " + maxAttempts);
        }
    }

    /**
     * The pool of a built policy; {@code upstreamKeepAlive} overrides the policy's declared one when given (for a
     * value the probe measured).
     */
    public static ClientPool of(String upstream, UpstreamPolicy policy, Setting upstreamKeepAlive) {
        String p = "upstream-guard.upstreams." + upstream + ".";
        String origin = "policy";
        RetryPolicy retry = policy.retry();
        Setting keepAlive = upstreamKeepAlive != null ? upstreamKeepAlive
                : policy.upstreamKeepAlive() == null ? null
                : new Setting(policy.upstreamKeepAlive(), p + "keep-alive", origin);
        return new ClientPool(upstream, new Setting(policy.connectTimeout(), p + "connect-timeout", origin),
                new Setting(policy.attemptTimeout(), p + "attempt-timeout", origin), retry.maxAttempts(),
                totalBackoff(retry.maxAttempts(), retry.initialBackoff(), retry.maxBackoff(), retry.multiplier()),
                new Setting(policy.poolLeaseTimeout(), p + "pool-lease-timeout", origin),
                new Setting(policy.idleTimeout(), p + "idle-timeout", origin), keepAlive);
    }

    /** The longest total backoff of {@code attempts} attempts: the sum of each backoff's cap. */
    public static Duration totalBackoff(int attempts, Duration initial, Duration max, double multiplier) {
        Duration total = Duration.ZERO;
        double cap = initial.toNanos();
        for (int i = 1; i < attempts; i++) {
            total = total.plusNanos((long) Math.min(cap, max.toNanos()));
            cap *= multiplier;
        }
        return total;
    }

    /** The longest a call takes before it fails: attempts x attempt timeout + the backoffs. */
    public Duration worstCase() {
        return attemptTimeout.value().multipliedBy(maxAttempts).plus(backoff);
    }
}
