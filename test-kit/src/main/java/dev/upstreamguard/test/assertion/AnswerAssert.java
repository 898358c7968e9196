package dev.upstreamguard.test.assertion;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fluent checks of what an application answered after an upstream failure (status, {@code Proxy-Status},
 * correlation ID, {@code Retry-After}, problem+json members). Each failure message says what was expected and what
 * came, with the answer's status, Proxy-Status and a body excerpt. Get one from {@link UpstreamAssertions}.
 */
public final class AnswerAssert {
    private static final Pattern ERROR = Pattern.compile(";\\s*error=\"?([A-Za-z0-9_.-]+)\"?");
    private static final Pattern RECEIVED = Pattern.compile(";\\s*received-status=(\\d{3})");

    private final Answer answer;

    AnswerAssert(Answer answer) {
        this.answer = Objects.requireNonNull(answer, "answer");
    }

    /** Checks the status code. */
    public AnswerAssert hasStatus(int expected) {
        if (answer.status() != expected) {
            fail("status " + expected, "status " + answer.status());
        }
        return this;
    }

    /** Checks for 502 Bad Gateway. */
    public AnswerAssert isBadGateway() {
        return hasStatus(502);
    }

    /** Checks for 503 Service Unavailable. */
    public AnswerAssert isServiceUnavailable() {
        return hasStatus(503);
    }

    /** Checks for 504 Gateway Timeout. */
    public AnswerAssert isGatewayTimeout() {
        return hasStatus(504);
    }

    /** Checks that a {@code Proxy-Status} header carries {@code error=<errorType>} (an RFC 9209 error type). */
    public AnswerAssert hasProxyStatusError(String errorType) {
        String actual = proxyStatusParameter(ERROR);
        if (!Objects.equals(errorType, actual)) {
            fail("Proxy-Status error=" + errorType, actual == null ? "no error parameter" : "error=" + actual);
        }
        return this;
    }

    /** Checks that a {@code Proxy-Status} header carries {@code received-status=<status>}. */
    public AnswerAssert hasProxyStatusReceivedStatus(int status) {
        String actual = proxyStatusParameter(RECEIVED);
        if (!String.valueOf(status).equals(actual)) {
            fail("Proxy-Status received-status=" + status,
                    actual == null ? "no received-status parameter" : "received-status=" + actual);
        }
        return this;
    }

    /** Checks that the answer carries a non-blank {@code X-Request-ID} (the filter's default response header). */
    public AnswerAssert hasCorrelationId() {
        return hasCorrelationIdHeader("X-Request-ID");
    }

    /** Checks that the answer carries a non-blank correlation ID in header {@code name}. */
    public AnswerAssert hasCorrelationIdHeader(String name) {
        String v = answer.header(name);
        if (v == null || v.isBlank()) {
            fail("a correlation ID in " + name, "none");
        }
        return this;
    }

    /** Checks that {@code X-Request-ID} equals {@code expected} (an ID the test sent). */
    public AnswerAssert hasCorrelationId(String expected) {
        return hasHeader("X-Request-ID", expected);
    }

    /** Checks that header {@code name} has the value {@code expected}. */
    public AnswerAssert hasHeader(String name, String expected) {
        String v = answer.header(name);
        if (!Objects.equals(expected, v)) {
            fail(name + ": " + expected, v == null ? "no " + name + " header" : name + ": " + v);
        }
        return this;
    }

    /** Checks that a {@code Retry-After} header is present (any value). */
    public AnswerAssert hasRetryAfter() {
        if (answer.header("Retry-After") == null) {
            fail("a Retry-After header", "none");
        }
        return this;
    }

    /** Checks that {@code Retry-After} is a number of seconds between {@code min} and {@code max} inclusive. */
    public AnswerAssert hasRetryAfterSecondsBetween(long min, long max) {
        String v = answer.header("Retry-After");
        long seconds;
        try {
            seconds = v == null ? -1 : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < min || seconds > max) {
            fail("Retry-After between " + min + " and " + max + " seconds",
                    v == null ? "no Retry-After header" : "Retry-After: " + v);
        }
        return this;
    }

    /** Checks that the answer is {@code application/problem+json} with an object body. */
    public AnswerAssert isProblemJson() {
        String type = answer.header("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/problem+json")) {
            fail("Content-Type application/problem+json", "Content-Type " + type);
        }
        if (FlatJson.members(answer.body()) == null) {
            fail("a JSON object body", "a body that is not one");
        }
        return this;
    }

    /**
     * Checks a top-level problem+json member: strings compare as text, numbers by value ({@code 502} matches
     * {@code 502}), booleans as booleans; {@code null} expects the member to be absent or null.
     */
    public AnswerAssert hasProblemMember(String name, Object expected) {
        Map<String, Object> members = FlatJson.members(answer.body());
        if (members == null) {
            fail("a JSON object body with member \"" + name + "\"", "a body that is not a JSON object");
        }
        Object actual = members.get(name);
        boolean same = expected instanceof Number n && actual instanceof Number a
                ? n.doubleValue() == a.doubleValue() : Objects.equals(expected, actual);
        if (!same) {
            fail("problem member \"" + name + "\" = " + expected,
                    members.containsKey(name) ? "\"" + name + "\" = " + actual : "no member \"" + name + "\"");
        }
        return this;
    }

    /** Checks that the body contains {@code text}. */
    public AnswerAssert bodyContains(String text) {
        if (!answer.body().contains(text)) {
            fail("a body containing " + Excerpt.of(text), "a body without it");
        }
        return this;
    }

    /** The answer under test. */
    public Answer actual() {
        return answer;
    }

    private String proxyStatusParameter(Pattern p) {
        String ps = answer.header("Proxy-Status");
        if (ps == null) {
            return null;
        }
        Matcher m = p.matcher(ps);
        return m.find() ? m.group(1) : null;
    }

    private void fail(String expected, String actual) {
        throw new AssertionError("Expected " + expected + ", but was " + actual + ".\n  status: " + answer.status()
                + "\n  Proxy-Status: " + answer.header("Proxy-Status") + "\n  body: " + Excerpt.of(answer.body()));
    }
}
