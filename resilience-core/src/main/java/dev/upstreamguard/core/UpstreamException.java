package dev.upstreamguard.core;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.core.classify.ProxyStatus;
import dev.upstreamguard.core.classify.RequestSent;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/**
 * An upstream call failed: the upstream could not be reached, did not answer in time, answered with an error
 * status or with a response that failed validation, or the call was rejected (breaker open, limit reached).
 *
 * <p>An {@link IOException}, so it passes unchanged through servlet code and through {@code CloseableHttpClient}
 * call sites. It carries everything a filter needs to answer the client and an operator needs to know which
 * layer failed: {@link #kind()}, {@link #status()}, {@link #details()} (safe to show: never a host name, address
 * or exception message), {@link #attempts()}, {@link #elapsed()}, {@link #receivedStatus()},
 * {@link #retryAfter()} and {@link #requestSent()}. The {@link #getMessage() message} is for logs and may name
 * more than a client should see.
 *
 * <p>Rejections (breaker open, limit reached) are built without a stack trace: they are expected, frequent, and
 * a stack trace costs more than the rejection itself.
 */
public final class UpstreamException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String upstream;
    private final FailureKind kind;
    private final int status;
    private final String details;
    private final int attempts;
    private final Duration elapsed;
    private final int receivedStatus;
    private final Duration retryAfter;
    private final RequestSent requestSent;

    /** Built on first use: most rejections are answered without anyone reading the message. */
    private transient volatile String message;

    private UpstreamException(Builder b) {
        super(null, b.cause);
        this.upstream = b.upstream;
        this.kind = b.kind;
        this.status = b.status;
        this.details = b.details;
        this.attempts = b.attempts;
        this.elapsed = b.elapsed;
        this.receivedStatus = b.receivedStatus;
        this.retryAfter = b.retryAfter;
        this.requestSent = b.requestSent;
        if (b.captureStackTrace) {
            super.fillInStackTrace();
        }
    }

    /** Starts an exception for a failed call to {@code upstream}. */
    public static Builder builder(String upstream, FailureKind kind) {
        return new Builder(upstream, kind);
    }

    /** Stack traces are captured explicitly in the constructor, and only when asked for. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    /** The logical name of the upstream (never a host name). */
    public String upstream() {
        return upstream;
    }

    /** Why the call failed. */
    public FailureKind kind() {
        return kind;
    }

    /** The HTTP status to answer the client with: 502, 503, 504 or 500. */
    public int status() {
        return status;
    }

    /** A short description that is safe to show a client, such as {@code "3 attempts; last: connection refused"}. */
    public String details() {
        return details;
    }

    /** How many attempts were sent (0 when the call was rejected before any). */
    public int attempts() {
        return attempts;
    }

    /** Time from the start of the call to the failure. */
    public Duration elapsed() {
        return elapsed;
    }

    /** The status the upstream answered with, or 0 when it did not answer. */
    public int receivedStatus() {
        return receivedStatus;
    }

    /** When a retry may help, or {@code null} when unknown or when retrying will not help. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** Whether the request reached the upstream. */
    public RequestSent requestSent() {
        return requestSent;
    }

    /** Whether the same request may succeed later: false for configuration and internal errors. */
    public boolean retryable() {
        return status != 500;
    }

    /** The RFC 9209 {@code Proxy-Status} value for this failure, naming this intermediary {@code proxyName}. */
    public String proxyStatus(String proxyName) {
        return ProxyStatus.format(proxyName, kind.errorType(), receivedStatus, details);
    }

    /** For logs: upstream, kind, received status, details, attempts and elapsed time. */
    @Override
    public String getMessage() {
        String m = message;
        if (m == null) {
            StringBuilder sb = new StringBuilder(96)
                    .append("Upstream '").append(upstream).append("' failed: ").append(kind.tagValue());
            if (receivedStatus > 0) {
                sb.append(" (status ").append(receivedStatus).append(')');
            }
            if (details != null) {
                sb.append("; ").append(details);
            }
            m = sb.append("; attempts=").append(attempts)
                    .append(", elapsed=").append(elapsed.toMillis()).append("ms").toString();
            message = m;
        }
        return m;
    }

    /** Builds an {@link UpstreamException}. Not thread-safe. */
    public static final class Builder {
        private final String upstream;
        private final FailureKind kind;
        private int status;
        private String details;
        private int attempts;
        private Duration elapsed = Duration.ZERO;
        private int receivedStatus;
        private Duration retryAfter;
        private RequestSent requestSent;
        private Throwable cause;
        private boolean captureStackTrace = true;

        private Builder(String upstream, FailureKind kind) {
            this.upstream = Objects.requireNonNull(upstream, "upstream");
            this.kind = Objects.requireNonNull(kind, "kind");
            this.status = kind.defaultStatus();
            this.requestSent = kind.requestSent();
        }

        /** The status to answer with; defaults to the kind's. Must be 500..599. */
        public Builder status(int status) {
            if (status < 500 || status > 599) {
                throw new IllegalArgumentException("status must be 500..599, but was " + status);
            }
            this.status = status;
            return this;
        }

        /** A safe, client-visible detail (no hosts, addresses or exception messages). */
        public Builder details(String details) {
            this.details = details;
            return this;
        }

        /** Attempts sent; must not be negative. */
        public Builder attempts(int attempts) {
            if (attempts < 0) {
                throw new IllegalArgumentException("attempts must not be negative, but was " + attempts);
            }
            this.attempts = attempts;
            return this;
        }

        /** Time from the start of the call to the failure. */
        public Builder elapsed(Duration elapsed) {
            this.elapsed = Objects.requireNonNull(elapsed, "elapsed");
            return this;
        }

        /** The upstream's answered status, 100..599, or 0 for none. */
        public Builder receivedStatus(int receivedStatus) {
            if (receivedStatus != 0 && (receivedStatus < 100 || receivedStatus > 599)) {
                throw new IllegalArgumentException("receivedStatus must be 0 or 100..599, but was " + receivedStatus);
            }
            this.receivedStatus = receivedStatus;
            return this;
        }

        /** When a retry may help; {@code null} for unknown. */
        public Builder retryAfter(Duration retryAfter) {
            this.retryAfter = retryAfter;
            return this;
        }

        /** Whether the request reached the upstream; defaults to what the kind implies. */
        public Builder requestSent(RequestSent requestSent) {
            this.requestSent = Objects.requireNonNull(requestSent, "requestSent");
            return this;
        }

        /** The underlying failure. */
        public Builder cause(Throwable cause) {
            this.cause = cause;
            return this;
        }

        /** Whether to capture a stack trace (default true); rejections turn it off. */
        public Builder captureStackTrace(boolean captureStackTrace) {
            this.captureStackTrace = captureStackTrace;
            return this;
        }

        /** The exception. */
        public UpstreamException build() {
            return new UpstreamException(this);
        }
    }
}
