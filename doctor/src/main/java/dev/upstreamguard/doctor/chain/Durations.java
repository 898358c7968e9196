package dev.upstreamguard.doctor.chain;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsing and printing of durations in the notations the chain reads. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|us|s|m|h|d)?");
    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,12})(ns|us|ms|s|m|h|d)?");

    private Durations() {
    }

    /** {@code 60s}, {@code 500ms}, {@code 1m30s}, {@code 2h}: the shortest exact form. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        long ms = d.toMillis();
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        return s + "s";
    }

    /**
     * A duration written as one or more number-unit parts ({@code 1m30s}, {@code 500ms}); a bare number is in
     * {@code bareUnit} ("s" for nginx, "ms" for HAProxy and Spring).
     *
     * @throws IllegalArgumentException naming the value when it is not a duration
     */
    public static Duration parse(String text, String bareUnit) {
        String s = text.strip();
        if (s.startsWith("P") || s.startsWith("p")) {
            try {
                return Duration.parse(s);
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("'" + s + "' is not a duration");
            }
        }
        Matcher single = SIMPLE.matcher(s);
        if (single.matches()) {
            return of(Long.parseLong(single.group(1)), single.group(2) == null ? bareUnit : single.group(2));
        }
        Matcher m = PART.matcher(s);
        Duration total = Duration.ZERO;
        int at = 0;
        while (at < s.length() && m.find(at) && m.start() == at && m.group(2) != null) {
            total = total.plus(of(Long.parseLong(m.group(1)), m.group(2)));
            at = m.end();
        }
        if (at != s.length() || s.isEmpty()) {
            throw new IllegalArgumentException("'" + s + "' is not a duration (write 60s, 500ms or 1m30s)");
        }
        return total;
    }

    private static Duration of(long n, String unit) {
        return switch (unit) {
            case "ns" -> Duration.ofNanos(n);
            case "us" -> Duration.ofNanos(n * 1000);
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> throw new IllegalArgumentException("unknown unit " + unit);
        };
    }
}
