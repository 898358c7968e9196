package dev.upstreamguard.servlet.spi;

import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.core.classify.RequestSent;
import java.time.Duration;
import java.util.Objects;

/**
 * What an error response says, independent of its representation. Immutable.
 *
 * <p>Every text value is safe to show a visitor (plain words from a fixed vocabulary, the safe
 * {@link UpstreamException#details() details} of core, a validated correlation ID), but is not escaped:
 * renderers escape for their format. Values the configuration hides ({@link #upstream()}, {@link #details()},
 * {@link #ownerAdvice()}) are {@code null}.
 */
public final class ErrorView {
    /** Which hop of visitor -> this site -> upstream service failed. */
    public enum Hop {
        /** This site (the application) failed on its own: configuration or internal error. */
        SITE,
        /** The upstream service the site depends on failed, or could not be used. */
        UPSTREAM
    }

    private final int status;
    private final String title;
    private final FailureKind kind;
    private final String errorType;
    private final String headline;
    private final String retryAdvice;
    private final String sentAdvice;
    private final String ownerAdvice;
    private final String details;
    private final boolean retryable;
    private final Duration retryAfter;
    private final RequestSent requestSent;
    private final String correlationId;
    private final String upstream;
    private final String siteName;
    private final String instance;
    private final Hop failedHop;
    private final String upstreamState;
    private final UpstreamException exception;

    private ErrorView(Builder b) {
        this.status = b.status;
        this.title = Objects.requireNonNull(b.title, "title");
        this.kind = b.kind;
        this.errorType = b.errorType;
        this.headline = Objects.requireNonNull(b.headline, "headline");
        this.retryAdvice = Objects.requireNonNull(b.retryAdvice, "retryAdvice");
        this.sentAdvice = Objects.requireNonNull(b.sentAdvice, "sentAdvice");
        this.ownerAdvice = b.ownerAdvice;
        this.details = b.details;
        this.retryable = b.retryable;
        this.retryAfter = b.retryAfter;
        this.requestSent = Objects.requireNonNull(b.requestSent, "requestSent");
        this.correlationId = Objects.requireNonNull(b.correlationId, "correlationId");
        this.upstream = b.upstream;
        this.siteName = b.siteName;
        this.instance = b.instance;
        this.failedHop = Objects.requireNonNull(b.failedHop, "failedHop");
        this.upstreamState = Objects.requireNonNull(b.upstreamState, "upstreamState");
        this.exception = b.exception;
    }

    /** Starts a view with the given status (500..599). */
    public static Builder builder(int status) {
        return new Builder(status);
    }

    /** The HTTP status, 500..599. */
    public int status() {
        return status;
    }

    /** The status's reason phrase, e.g. {@code Bad Gateway}. */
    public String title() {
        return title;
    }

    /** The failure kind, or {@code null} when the application called {@code sendError} itself. */
    public FailureKind kind() {
        return kind;
    }

    /** The RFC 9209 Proxy-Status error type, e.g. {@code connection_refused}, or {@code null}. */
    public String errorType() {
        return errorType;
    }

    /** What happened, in plain words for a visitor, one sentence without a final period. */
    public String headline() {
        return headline;
    }

    /** Whether trying again helps and when, in plain words. */
    public String retryAdvice() {
        return retryAdvice;
    }

    /** Whether the request reached the upstream, in plain words (matters for forms and payments). */
    public String sentAdvice() {
        return sentAdvice;
    }

    /** Short guidance for the site's owner, or {@code null} when hidden. */
    public String ownerAdvice() {
        return ownerAdvice;
    }

    /** Core's safe details such as {@code "3 attempts; last: connection refused"}, or {@code null}. */
    public String details() {
        return details;
    }

    /** Whether the same request may succeed later. */
    public boolean retryable() {
        return retryable;
    }

    /** When a retry may help, or {@code null} when unknown. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** Whether the request reached the upstream. */
    public RequestSent requestSent() {
        return requestSent;
    }

    /** The request's correlation ID (validated or generated: never raw request data). */
    public String correlationId() {
        return correlationId;
    }

    /** The upstream's logical name, or {@code null} unless configured to be shown. */
    public String upstream() {
        return upstream;
    }

    /** The configured name of this site, or {@code null}. */
    public String siteName() {
        return siteName;
    }

    /** The request path (raw, as received: escape it), or {@code null}. */
    public String instance() {
        return instance;
    }

    /** The hop that failed. */
    public Hop failedHop() {
        return failedHop;
    }

    /** A one- or two-word state of the upstream hop, e.g. {@code Timed out} or {@code Not contacted}. */
    public String upstreamState() {
        return upstreamState;
    }

    /**
     * The failure, or {@code null} for an intercepted {@code sendError}. Its message and cause may name hosts and
     * addresses: never show them to a client.
     */
    public UpstreamException exception() {
        return exception;
    }

    /** Builds an {@link ErrorView}. Not thread-safe. */
    public static final class Builder {
        private final int status;
        private String title;
        private FailureKind kind;
        private String errorType;
        private String headline;
        private String retryAdvice;
        private String sentAdvice;
        private String ownerAdvice;
        private String details;
        private boolean retryable = true;
        private Duration retryAfter;
        private RequestSent requestSent = RequestSent.UNKNOWN;
        private String correlationId;
        private String upstream;
        private String siteName;
        private String instance;
        private Hop failedHop = Hop.UPSTREAM;
        private String upstreamState;
        private UpstreamException exception;

        private Builder(int status) {
            if (status < 500 || status > 599) {
                throw new IllegalArgumentException("status must be 500..599, but was " + status);
            }
            this.status = status;
        }

        /** See {@link ErrorView#title()}. */
        public Builder title(String title) {
            this.title = title;
            return this;
        }

        /** See {@link ErrorView#kind()}. */
        public Builder kind(FailureKind kind) {
            this.kind = kind;
            return this;
        }

        /** See {@link ErrorView#errorType()}. */
        public Builder errorType(String errorType) {
            this.errorType = errorType;
            return this;
        }

        /** See {@link ErrorView#headline()}. */
        public Builder headline(String headline) {
            this.headline = headline;
            return this;
        }

        /** See {@link ErrorView#retryAdvice()}. */
        public Builder retryAdvice(String retryAdvice) {
            this.retryAdvice = retryAdvice;
            return this;
        }

        /** See {@link ErrorView#sentAdvice()}. */
        public Builder sentAdvice(String sentAdvice) {
            this.sentAdvice = sentAdvice;
            return this;
        }

        /** See {@link ErrorView#ownerAdvice()}. */
        public Builder ownerAdvice(String ownerAdvice) {
            this.ownerAdvice = ownerAdvice;
            return this;
        }

        /** See {@link ErrorView#details()}. */
        public Builder details(String details) {
            this.details = details;
            return this;
        }

        /** See {@link ErrorView#retryable()}. */
        public Builder retryable(boolean retryable) {
            this.retryable = retryable;
            return this;
        }

        /** See {@link ErrorView#retryAfter()}. */
        public Builder retryAfter(Duration retryAfter) {
            this.retryAfter = retryAfter;
            return this;
        }

        /** See {@link ErrorView#requestSent()}. */
        public Builder requestSent(RequestSent requestSent) {
            this.requestSent = requestSent;
            return this;
        }

        /** See {@link ErrorView#correlationId()}. */
        public Builder correlationId(String correlationId) {
            this.correlationId = correlationId;
            return this;
        }

        /** See {@link ErrorView#upstream()}. */
        public Builder upstream(String upstream) {
            this.upstream = upstream;
            return this;
        }

        /** See {@link ErrorView#siteName()}. */
        public Builder siteName(String siteName) {
            this.siteName = siteName;
            return this;
        }

        /** See {@link ErrorView#instance()}. */
        public Builder instance(String instance) {
            this.instance = instance;
            return this;
        }

        /** See {@link ErrorView#failedHop()}. */
        public Builder failedHop(Hop failedHop) {
            this.failedHop = failedHop;
            return this;
        }

        /** See {@link ErrorView#upstreamState()}. */
        public Builder upstreamState(String upstreamState) {
            this.upstreamState = upstreamState;
            return this;
        }

        /** See {@link ErrorView#exception()}. */
        public Builder exception(UpstreamException exception) {
            this.exception = exception;
            return this;
        }

        /** The view; title, headline, advice texts, correlation ID and upstream state are required. */
        public ErrorView build() {
            return new ErrorView(this);
        }
    }
}
