package dev.upstreamguard.core;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The timeout-alignment rules checked when a policy is built. Each rule guards one known cause of 502/504s:
 * an inner timeout longer than the outer one means the outer hop gives up first and answers with its own page.
 */
final class TimeoutAlignment {
    private TimeoutAlignment() {
    }

    static List<PolicyViolation> check(UpstreamPolicy p) {
        List<PolicyViolation> out = new ArrayList<>();
        // connect <= attempt <= request deadline.
        if (p.connectTimeout().compareTo(p.attemptTimeout()) > 0) {
            out.add(new PolicyViolation("connectTimeout", fmt(p.connectTimeout()),
                    "connectTimeout (" + fmt(p.connectTimeout()) + ") must be <= attemptTimeout ("
                            + fmt(p.attemptTimeout()) + ")", "lower connectTimeout or raise attemptTimeout"));
        }
        if (p.attemptTimeout().compareTo(p.requestTimeout()) > 0) {
            out.add(new PolicyViolation("attemptTimeout", fmt(p.attemptTimeout()),
                    "attemptTimeout (" + fmt(p.attemptTimeout()) + ") must be <= requestTimeout ("
                            + fmt(p.requestTimeout()) + ")", "lower attemptTimeout or raise requestTimeout"));
        }
        // Pool lease <= attempt: waiting for a connection longer than the attempt may run is time stolen from it.
        if (p.poolLeaseTimeout().compareTo(p.attemptTimeout()) > 0) {
            out.add(new PolicyViolation("poolLeaseTimeout", fmt(p.poolLeaseTimeout()),
                    "poolLeaseTimeout (" + fmt(p.poolLeaseTimeout()) + ") must be <= attemptTimeout ("
                            + fmt(p.attemptTimeout()) + ")", "lower poolLeaseTimeout"));
        }
        // Our deadline + margin < the front proxy's timeout, else the proxy answers its own 504/502 first.
        Duration front = p.frontProxyTimeout();
        if (front != null && p.requestTimeout().plus(p.frontProxyMargin()).compareTo(front) >= 0) {
            out.add(new PolicyViolation("requestTimeout", fmt(p.requestTimeout()),
                    "requestTimeout (" + fmt(p.requestTimeout()) + ") + frontProxyMargin (" + fmt(p.frontProxyMargin())
                            + ") must be < frontProxyTimeout (" + fmt(front) + "), else the front proxy gives up first"
                            + " and answers with its own page", "lower requestTimeout to at most "
                            + fmt(front.minus(p.frontProxyMargin()).minusMillis(1))
                            + " or raise the proxy's timeout (nginx proxy_read_timeout, HAProxy timeout server)"));
        }
        CircuitBreakerConfig cb = p.circuitBreakerConfig();
        if (cb != null) {
            // A call slower than the attempt timeout is cut by it; a larger threshold never sees a slow call.
            if (cb.getSlowCallDurationThreshold().compareTo(p.attemptTimeout()) > 0) {
                out.add(new PolicyViolation("circuitBreaker.slowCallDurationThreshold",
                        fmt(cb.getSlowCallDurationThreshold()),
                        "circuit breaker slowCallDurationThreshold (" + fmt(cb.getSlowCallDurationThreshold())
                                + ") must be <= attemptTimeout (" + fmt(p.attemptTimeout()) + ")",
                        "lower slowCallDurationThreshold"));
            }
            // A time window shorter than two attempts cannot see a failing attempt complete.
            if (cb.getSlidingWindowType() == CircuitBreakerConfig.SlidingWindowType.TIME_BASED) {
                Duration window = Duration.ofSeconds(cb.getSlidingWindowSize());
                if (window.compareTo(p.attemptTimeout().multipliedBy(2)) < 0) {
                    out.add(new PolicyViolation("circuitBreaker.slidingWindowSize", fmt(window),
                            "circuit breaker time-based sliding window (" + fmt(window)
                                    + ") must be >= 2 x attemptTimeout (" + fmt(p.attemptTimeout().multipliedBy(2))
                                    + ")", "raise slidingWindowSize"));
                }
            }
        }
        // Our idle keep-alive must end before the upstream's, else we reuse a connection it is closing.
        Duration upstreamKeepAlive = p.upstreamKeepAlive();
        if (upstreamKeepAlive != null
                && p.idleTimeout().compareTo(upstreamKeepAlive.minus(p.keepAliveMargin())) > 0) {
            out.add(new PolicyViolation("idleTimeout", fmt(p.idleTimeout()),
                    "idleTimeout (" + fmt(p.idleTimeout()) + ") must be <= upstreamKeepAlive ("
                            + fmt(upstreamKeepAlive) + ") - keepAliveMargin (" + fmt(p.keepAliveMargin())
                            + "), else a pooled connection is reused just as the upstream closes it (intermittent"
                            + " 502)", "lower idleTimeout to at most " + fmt(upstreamKeepAlive.minus(p.keepAliveMargin()))));
        }
        return out;
    }

    /** Human format: 1500ms, 2s, 1m30s. */
    static String fmt(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 != 0 || ms == 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        return s % 60 == 0 && s >= 60 ? (s / 60) + "m" : s >= 60 ? (s / 60) + "m" + (s % 60) + "s" : s + "s";
    }
}
