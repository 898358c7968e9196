package dev.upstreamguard.core.retry;

import java.time.Duration;
import java.time.Instant;
import org.apache.hc.client5.http.utils.DateUtils;

/** Parses an HTTP {@code Retry-After} value: delay-seconds or an HTTP-date (RFC 9110 section 10.2.3). */
public final class RetryAfter {
    /**
     * The longest delay a value is read as: later ones are cut to it. Nobody means years; without a cap, a far
     * future date or ten digits of seconds would overflow the nanosecond arithmetic of backoff and deadlines.
     */
    public static final Duration MAX = Duration.ofDays(365);

    private RetryAfter() {
    }

    /**
     * @param value the header value, may be {@code null}
     * @param now   the current wall-clock time, for HTTP-dates
     * @return the delay (zero for a date in the past, at most {@link #MAX}), or {@code null} when absent or
     *     malformed
     */
    public static Duration parse(String value, Instant now) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        if (v.isEmpty() || v.length() > 64) {
            return null;
        }
        if (Character.isDigit(v.charAt(0))) {
            if (v.length() > 10 || !v.chars().allMatch(Character::isDigit)) {
                return null;
            }
            return cap(Duration.ofSeconds(Long.parseLong(v)));
        }
        Instant at = DateUtils.parseStandardDate(v);
        if (at == null) {
            return null;
        }
        Duration d = Duration.between(now, at);
        return d.isNegative() ? Duration.ZERO : cap(d);
    }

    private static Duration cap(Duration d) {
        return d.compareTo(MAX) > 0 ? MAX : d;
    }

    /** Formats a delay as whole delay-seconds, rounded up, at least 1. */
    public static String format(Duration delay) {
        long millis = Math.max(0, delay.toMillis());
        return Long.toString(Math.max(1, (millis + 999) / 1000));
    }
}
