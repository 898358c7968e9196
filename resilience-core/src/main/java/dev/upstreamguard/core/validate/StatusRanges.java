package dev.upstreamguard.core.validate;

/** An immutable set of HTTP status codes parsed from {@code "200-299,404"}. */
final class StatusRanges {
    private final boolean[] accepted = new boolean[600];
    private final String spec;

    private StatusRanges(String spec) {
        this.spec = spec;
    }

    static StatusRanges parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("accepted statuses must not be empty, e.g. \"200-299,404\"");
        }
        StatusRanges ranges = new StatusRanges(spec.replace(" ", ""));
        for (String part : ranges.spec.split(",")) {
            int dash = part.indexOf('-');
            int from = code(part.substring(0, dash < 0 ? part.length() : dash), spec);
            int to = dash < 0 ? from : code(part.substring(dash + 1), spec);
            if (from > to) {
                throw new IllegalArgumentException("status range " + part + " is reversed in \"" + spec + "\"");
            }
            for (int s = from; s <= to; s++) {
                ranges.accepted[s] = true;
            }
        }
        return ranges;
    }

    private static int code(String s, String spec) {
        try {
            int code = Integer.parseInt(s);
            if (code >= 100 && code <= 599) {
                return code;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(
                "accepted statuses take codes 100..599 and ranges like 200-299, but got '" + s + "' in \"" + spec + "\"");
    }

    boolean contains(int status) {
        return status >= 0 && status < accepted.length && accepted[status];
    }

    @Override
    public String toString() {
        return spec;
    }
}
