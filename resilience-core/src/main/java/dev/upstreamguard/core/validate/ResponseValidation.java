package dev.upstreamguard.core.validate;

import dev.upstreamguard.core.UpstreamResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What a response must look like to count as data rather than a failure. Immutable; build with
 * {@link #builder()}.
 *
 * <p>Checked in this order: the status is accepted (default 100..499; an unaccepted 5xx is an upstream-status
 * failure, any other unaccepted status a validation failure), the body is within {@link #maxBodyBytes()} (checked
 * while reading), the content type is one of the required ones (when any are set), the body is not empty (when
 * required), then each user rule.
 */
public final class ResponseValidation {
    /** Default largest body accepted: 16 MiB. */
    public static final long DEFAULT_MAX_BODY_BYTES = 16L * 1024 * 1024;

    private final StatusRanges acceptedStatuses;
    private final List<String> contentTypes;
    private final long maxBodyBytes;
    private final boolean requireBody;
    private final List<Rule> rules;

    private ResponseValidation(Builder b) {
        this.acceptedStatuses = b.acceptedStatuses;
        this.contentTypes = List.copyOf(b.contentTypes);
        this.maxBodyBytes = b.maxBodyBytes;
        this.requireBody = b.requireBody;
        this.rules = List.copyOf(b.rules);
    }

    /** The defaults: statuses 100..499 accepted, any content type, bodies up to 16 MiB, empty bodies allowed. */
    public static ResponseValidation ofDefaults() {
        return builder().build();
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether {@code status} counts as an answer (not a failure). */
    public boolean acceptsStatus(int status) {
        return acceptedStatuses.contains(status);
    }

    /** The largest body accepted, in bytes. */
    public long maxBodyBytes() {
        return maxBodyBytes;
    }

    /**
     * Whether {@link #violation} checks anything (content types, a required body, rules); when not, a response
     * whose status is accepted and whose body fits {@link #maxBodyBytes()} is valid.
     */
    public boolean inspectsResponse() {
        return !contentTypes.isEmpty() || requireBody || !rules.isEmpty();
    }

    /**
     * Checks a complete response whose status was accepted.
     *
     * @return {@code null} when valid, else a short safe description of the rule that failed
     */
    public String violation(UpstreamResponse response) {
        if (!contentTypes.isEmpty() && !contentTypeMatches(response.contentType())) {
            return "content type not accepted (expected " + String.join(" or ", contentTypes) + ")";
        }
        if (requireBody && response.body().length == 0) {
            return "empty body";
        }
        for (Rule rule : rules) {
            boolean ok;
            try {
                ok = rule.test.test(response);
            } catch (RuntimeException e) {
                ok = false;
            }
            if (!ok) {
                return "rule '" + rule.name + "' failed";
            }
        }
        return null;
    }

    /**
     * Checks what can be judged of a streamed response before its body: the content type, and a body declared
     * empty ({@code Content-Length: 0}) when a body is required. Rules over the body are not applied to streamed
     * responses.
     *
     * @param contentType the Content-Type header value, or {@code null}
     * @param contentLength the declared body length, or -1 when not declared
     * @return {@code null} when valid so far, else a short safe description of the rule that failed
     */
    public String headViolation(String contentType, long contentLength) {
        if (!contentTypes.isEmpty() && !contentTypeMatches(contentType)) {
            return "content type not accepted (expected " + String.join(" or ", contentTypes) + ")";
        }
        if (requireBody && contentLength == 0) {
            return "empty body";
        }
        return null;
    }

    private boolean contentTypeMatches(String header) {
        if (header == null) {
            return false;
        }
        int semi = header.indexOf(';');
        String mime = (semi < 0 ? header : header.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        for (String expected : contentTypes) {
            if (expected.equals(mime)
                    || expected.endsWith("/*") && mime.startsWith(expected.substring(0, expected.length() - 1))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "ResponseValidation[statuses=" + acceptedStatuses + ", contentTypes=" + contentTypes
                + ", maxBodyBytes=" + maxBodyBytes + ", requireBody=" + requireBody + ", rules=" + rules.size() + "]";
    }

    private record Rule(String name, Predicate<UpstreamResponse> test) {
    }

    /** Builds a {@link ResponseValidation}. Not thread-safe; reusable. */
    public static final class Builder {
        private StatusRanges acceptedStatuses = StatusRanges.parse("100-499");
        private final List<String> contentTypes = new ArrayList<>();
        private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private boolean requireBody;
        private final List<Rule> rules = new ArrayList<>();

        private Builder() {
        }

        /**
         * Statuses that count as answers, as a comma-separated list of codes and ranges: {@code "200-299,404"}.
         * Default {@code "100-499"}.
         */
        public Builder acceptedStatuses(String spec) {
            this.acceptedStatuses = StatusRanges.parse(spec);
            return this;
        }

        /** Content types of which the response's must be one (type/subtype, or type/* ); none = any. */
        public Builder contentTypes(String... types) {
            contentTypes.clear();
            for (String t : types) {
                String mime = Objects.requireNonNull(t, "content type").trim().toLowerCase(Locale.ROOT);
                if (mime.indexOf('/') <= 0 || mime.endsWith("/") || mime.contains(";")) {
                    throw new IllegalArgumentException(
                            "content type must look like type/subtype or type/*, but was '" + t + "'");
                }
                contentTypes.add(mime);
            }
            return this;
        }

        /** The largest body accepted, 0..2 GiB (default 16 MiB); a larger one is a body-size failure. */
        public Builder maxBodyBytes(long maxBodyBytes) {
            if (maxBodyBytes < 0 || maxBodyBytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("maxBodyBytes must be 0..2147483639, but was " + maxBodyBytes);
            }
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /** Whether an empty body is a failure (default false). */
        public Builder requireBody(boolean requireBody) {
            this.requireBody = requireBody;
            return this;
        }

        /**
         * Adds a rule, for example {@code rule("json", r -> parsesAsJson(r.body()))}. A rule that returns false or
         * throws fails the response; {@code name} appears in the failure details, so keep it free of secrets.
         */
        public Builder rule(String name, Predicate<UpstreamResponse> test) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(test, "test");
            if (name.isBlank() || name.length() > 64) {
                throw new IllegalArgumentException("rule name must be 1..64 characters, but was '" + name + "'");
            }
            rules.add(new Rule(name, test));
            return this;
        }

        /** The validation. */
        public ResponseValidation build() {
            return new ResponseValidation(this);
        }
    }
}
