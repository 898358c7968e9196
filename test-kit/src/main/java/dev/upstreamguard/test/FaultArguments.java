package dev.upstreamguard.test;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** Checks of {@link Fault}'s factory arguments, with messages that name the argument and show the bad value. */
final class FaultArguments {
    private FaultArguments() {
    }

    /** {@code d}, which must be non-null and greater than zero. */
    static Duration positive(Duration d, String name) {
        if (Objects.requireNonNull(d, name).isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, but was " + d);
        }
        return d;
    }

    /** {@code n}, which must be at least 1. */
    static int positive(int n, String name) {
        if (n < 1) {
            throw new IllegalArgumentException(name + " must be positive, but was " + n);
        }
        return n;
    }

    /** {@code declared}, when {@code sent} is 0..declared - 1 (a body cut short). */
    static int shorter(int declared, int sent) {
        if (sent < 0 || sent >= declared) {
            throw new IllegalArgumentException("sent must be 0.." + (declared - 1) + ", but was " + sent);
        }
        return declared;
    }

    /** The header fields as a list, when they come as name, value pairs without CR or LF. */
    static List<String> headerPairs(String... headerNameValuePairs) {
        if (headerNameValuePairs.length % 2 != 0) {
            throw new IllegalArgumentException("header fields must come as name, value pairs, but " +
                    headerNameValuePairs.length + " strings were given");
        }
        for (String s : headerNameValuePairs) {
            if (Objects.requireNonNull(s, "header").contains("\r") || s.contains("\n")) {
                throw new IllegalArgumentException("header names and values must not contain CR or LF");
            }
        }
        return List.of(headerNameValuePairs);
    }
}
