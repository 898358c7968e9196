package dev.upstreamguard.core;

import java.time.Duration;
import java.util.Objects;

/**
 * The checks {@link UpstreamPolicy.Builder}'s setters apply to one value each, with messages that name the setting
 * and show the bad value. Cross-setting rules live in {@link TimeoutAlignment}.
 */
final class PolicyArguments {
    private static final String HEADER_SEPARATORS = "()<>@,;:\\\"/[]?={}";

    private PolicyArguments() {
    }

    /** {@code d}, which must be non-null and greater than zero. */
    static Duration positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0, but was " + d);
        }
        return d;
    }

    /** {@code d}, which must be non-null and not negative. */
    static Duration nonNegative(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must be >= 0, but was " + d);
        }
        return d;
    }

    /** {@code null} for {@code null}, else {@code d}, which must be greater than zero. */
    static Duration positiveOrNull(String name, Duration d) {
        return d == null ? null : positive(name, d);
    }

    /** The stall timeout, which must lie in 1 ms..1 day. */
    static Duration stallTimeout(Duration d) {
        positive("stallTimeout", d);
        if (d.compareTo(Duration.ofMillis(1)) < 0 || d.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("stallTimeout must be 1 ms..1 day, but was " + d);
        }
        return d;
    }

    /** The concurrent-call limit, which must lie in 1..10000. */
    static int maxConcurrentCalls(int n) {
        if (n < 1 || n > 10_000) {
            throw new IllegalArgumentException("maxConcurrentCalls must be 1..10000, but was " + n);
        }
        return n;
    }

    /** The header limits: a count in 1..10000 and a line length in 256..1 MiB. */
    static void headerLimits(int maxHeaderCount, int maxHeaderLineLength) {
        if (maxHeaderCount < 1 || maxHeaderCount > 10_000) {
            throw new IllegalArgumentException("maxHeaderCount must be 1..10000, but was " + maxHeaderCount);
        }
        if (maxHeaderLineLength < 256 || maxHeaderLineLength > 1 << 20) {
            throw new IllegalArgumentException(
                    "maxHeaderLineLength must be 256..1048576, but was " + maxHeaderLineLength);
        }
    }

    /** {@code null} for {@code null}, else {@code name}, which must be an HTTP header name (RFC 9110 token). */
    static String headerName(String setting, String name) {
        if (name == null) {
            return null;
        }
        if (name.isEmpty() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f && HEADER_SEPARATORS.indexOf(c) < 0)) {
            throw new IllegalArgumentException(
                    setting + " must be an HTTP header name (token), but was '" + name + "'");
        }
        return name;
    }
}
