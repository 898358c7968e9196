package dev.upstreamguard.servlet.internal;

import dev.upstreamguard.core.classify.ProxyStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** Argument checks whose messages name the option and the bad value. */
public final class Checks {
    private Checks() {
    }

    /** Requires an RFC 9110 token (a header name, an MDC key). */
    public static String token(String option, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(option + " must be a non-empty token, but was " + quote(value));
        }
        for (int i = 0; i < value.length(); i++) {
            if (!isTokenChar(value.charAt(i))) {
                throw new IllegalArgumentException(option + " must be a token (letters, digits and !#$%&'*+-.^_`|~),"
                        + " but was " + quote(value));
            }
        }
        return value;
    }

    /** Requires printable ASCII or any non-control character, at most {@code max} characters. */
    public static String text(String option, String value, int max) {
        if (value == null || value.isBlank() || value.length() > max) {
            throw new IllegalArgumentException(option + " must be 1.." + max + " characters, but was " + quote(value));
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new IllegalArgumentException(option + " must not contain control characters, but was "
                        + quote(value));
            }
        }
        return value;
    }

    /** Requires a positive duration. */
    public static Duration positive(String option, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(option + " must be positive, but was " + value);
        }
        return value;
    }

    /** Requires every element to be a {@link #token token}; returns an immutable copy in the same order. */
    public static List<String> tokens(String option, Collection<String> values) {
        Objects.requireNonNull(values, option);
        List<String> copy = new ArrayList<>(values.size());
        for (String v : values) {
            copy.add(token(option + " element", v));
        }
        return List.copyOf(copy);
    }

    /** Requires every element to be a {@link #location location}; returns an immutable copy in the same order. */
    public static List<String> locations(String option, Collection<String> values) {
        Objects.requireNonNull(values, option);
        List<String> copy = new ArrayList<>(values.size());
        for (String v : values) {
            copy.add(location(v));
        }
        return List.copyOf(copy);
    }

    /** Requires every element to be a status 500..599; returns an unmodifiable sorted copy. */
    public static Set<Integer> serverErrorStatuses(String option, Collection<Integer> values) {
        Objects.requireNonNull(values, option);
        Set<Integer> copy = new TreeSet<>();
        for (Integer s : values) {
            if (s == null || s < 500 || s > 599) {
                throw new IllegalArgumentException(option + " must be 500..599, but contained " + s);
            }
            copy.add(s);
        }
        return Collections.unmodifiableSet(copy);
    }

    /** Requires an RFC 8941 token fit for the intermediary's name in {@code Proxy-Status}. */
    public static String proxyName(String option, String value) {
        try {
            ProxyStatus.format(value, null, 0, null);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(option + " must be an RFC 8941 token, but was " + quote(value));
        }
        return value;
    }

    /** Requires a {@code classpath:} or {@code file:} location; returns it ending with a slash. */
    public static String location(String value) {
        if (value == null || !(value.startsWith("classpath:") || value.startsWith("file:"))) {
            throw new IllegalArgumentException("templateLocations must start with classpath: or file:, but contained "
                    + quote(value));
        }
        return value.endsWith("/") ? value : value + "/";
    }

    /** Requires a lower-case {@code type/subtype} from {@code renderer}'s {@code mediaType()}. */
    public static String mediaType(String value, Class<?> renderer) {
        if (value == null || !value.matches("[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+")) {
            throw new IllegalArgumentException("renderer mediaType() must be lower-case type/subtype, but was "
                    + quote(value) + " from " + renderer.getName());
        }
        return value;
    }

    /** Requires an absolute URI. */
    public static String absoluteUri(String option, String value) {
        try {
            if (java.net.URI.create(value).isAbsolute()) {
                return value;
            }
        } catch (IllegalArgumentException malformed) {
            // reported below
        }
        throw new IllegalArgumentException(option + " must be an absolute URI, but was " + quote(value));
    }

    /** Whether {@code c} may appear in an RFC 9110 token. */
    public static boolean isTokenChar(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
                || c < 0x7f && c > 0x20 && "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** The value quoted for a message, with control characters shown as escapes. */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < Math.min(value.length(), 200); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append(value.length() > 200 ? "...\"" : "\"").toString();
    }
}
