package dev.upstreamguard.core.classify;

/**
 * Whether a failed request reached the upstream: tells a client whether a non-idempotent request is safe to
 * send again.
 */
public enum RequestSent {
    /** The request never left this process (connect failed, breaker open, limit reached). */
    NO,
    /** The upstream received the request (it answered, at least in part). */
    YES,
    /** The request may or may not have been received (connection dropped while waiting for the answer). */
    UNKNOWN;

    /** The lower-case JSON value: {@code false}, {@code true} or {@code unknown}. */
    public String jsonValue() {
        return switch (this) {
            case NO -> "false";
            case YES -> "true";
            case UNKNOWN -> "unknown";
        };
    }
}
