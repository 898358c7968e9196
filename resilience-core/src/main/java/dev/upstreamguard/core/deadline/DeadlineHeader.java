package dev.upstreamguard.core.deadline;

import java.time.Duration;

/**
 * Reads and writes the remaining request budget carried in a header, so that each hop can align its timeouts.
 *
 * <p>Two syntaxes: plain milliseconds (like Envoy's {@code x-envoy-expected-rq-timeout-ms}), and gRPC's
 * {@code grpc-timeout} syntax (up to 8 digits and a unit: {@code H M S m u n}), used when the header is named
 * {@code grpc-timeout}.
 */
public final class DeadlineHeader {
    /** The header name used by default: remaining milliseconds. */
    public static final String DEFAULT_NAME = "X-Request-Timeout-Ms";
    /** gRPC's timeout header, whose syntax is parsed when a header of this name is configured. */
    public static final String GRPC_TIMEOUT = "grpc-timeout";

    private DeadlineHeader() {
    }

    /**
     * Parses an incoming header value.
     *
     * @param headerName the header's name (decides the syntax)
     * @param value      the raw value, may be {@code null}
     * @return the budget, or {@code null} when the value is absent or malformed (a malformed value is ignored,
     *     never trusted)
     */
    public static Duration parse(String headerName, String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        if (v.isEmpty() || v.length() > 19) {
            return null;
        }
        if (GRPC_TIMEOUT.equalsIgnoreCase(headerName)) {
            return parseGrpc(v);
        }
        long millis = parseDigits(v, 0, v.length());
        return millis < 0 ? null : Duration.ofMillis(millis);
    }

    /** Formats {@code remaining} for the header {@code headerName}. */
    public static String format(String headerName, Duration remaining) {
        long millis = Math.max(0, remaining.toMillis());
        if (GRPC_TIMEOUT.equalsIgnoreCase(headerName)) {
            // gRPC allows at most 8 digits: fall back to seconds for long budgets.
            return millis <= 99_999_999L ? millis + "m" : Math.min(remaining.toSeconds(), 99_999_999L) + "S";
        }
        return Long.toString(millis);
    }

    private static Duration parseGrpc(String v) {
        if (v.length() < 2 || v.length() > 9) {
            return null;
        }
        long amount = parseDigits(v, 0, v.length() - 1);
        if (amount < 0) {
            return null;
        }
        return switch (v.charAt(v.length() - 1)) {
            case 'H' -> Duration.ofHours(amount);
            case 'M' -> Duration.ofMinutes(amount);
            case 'S' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMillis(amount);
            case 'u' -> Duration.ofNanos(amount * 1_000);
            case 'n' -> Duration.ofNanos(amount);
            default -> null;
        };
    }

    /** Non-negative decimal in {@code s[from, to)}, or -1 when not all digits or too long. */
    private static long parseDigits(String s, int from, int to) {
        if (from >= to || to - from > 18) {
            return -1;
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }
}
