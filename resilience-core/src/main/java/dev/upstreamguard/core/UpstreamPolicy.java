package dev.upstreamguard.core;

import dev.upstreamguard.core.deadline.DeadlineHeader;
import dev.upstreamguard.core.retry.RetryPolicy;
import dev.upstreamguard.core.validate.ResponseValidation;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything that governs calls to one upstream: timeouts, keep-alive, concurrency, retries, circuit breaker,
 * validation and header propagation. Immutable; build with {@link #builder()}, {@link #from(UpstreamPolicy)} or
 * {@link #ofDefaults()}.
 *
 * <p>{@link Builder#build()} checks that the timeouts are aligned (connect &lt;= attempt &lt;= request deadline,
 * pool lease &lt;= attempt, deadline + margin &lt; front proxy timeout, breaker slow-call threshold &lt;= attempt,
 * time-based breaker window &gt;= 2 x attempt, idle keep-alive &lt;= upstream keep-alive - margin) and throws
 * {@link InvalidPolicyException} naming every broken rule, its values and the fix.
 */
public final class UpstreamPolicy {
    /** Default request deadline, used when no incoming request opened one. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Default bound of one attempt (connect, send, response headers and body). */
    public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(3);
    /** Default TCP connect timeout. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** Default wait for a pooled connection. */
    public static final Duration DEFAULT_POOL_LEASE_TIMEOUT = Duration.ofMillis(500);
    /** Default longest idle time of a pooled connection. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** Default longest life of a pooled connection, busy or idle (HttpClient's time-to-live). */
    public static final Duration DEFAULT_MAX_CONNECTION_LIFETIME = Duration.ofMinutes(5);
    /** Default margin kept below the upstream's keep-alive. */
    public static final Duration DEFAULT_KEEP_ALIVE_MARGIN = Duration.ofSeconds(1);
    /** Default margin kept below the front proxy's timeout. */
    public static final Duration DEFAULT_FRONT_PROXY_MARGIN = Duration.ofSeconds(1);
    /** Default shortest time worth starting an attempt with. */
    public static final Duration DEFAULT_MIN_ATTEMPT_TIME = Duration.ofMillis(10);
    /** Default cap of a Retry-After passed on to clients. */
    public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofSeconds(60);
    /** Default concurrent-call limit (bulkhead) and pool size. */
    public static final int DEFAULT_MAX_CONCURRENT_CALLS = 64;
    /** Default longest wait for the next byte of a streamed response body. */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(30);
    /** Default correlation ID header sent upstream. */
    public static final String DEFAULT_CORRELATION_HEADER = "X-Request-ID";

    private final Duration requestTimeout;
    private final Duration attemptTimeout;
    private final Duration connectTimeout;
    private final Duration poolLeaseTimeout;
    private final Duration idleTimeout;
    private final Duration maxConnectionLifetime;
    private final Duration upstreamKeepAlive;
    private final Duration keepAliveMargin;
    private final Duration frontProxyTimeout;
    private final Duration frontProxyMargin;
    private final Duration minAttemptTime;
    private final Duration maxRetryAfter;
    private final int maxConcurrentCalls;
    private final RetryPolicy retry;
    private final CircuitBreakerConfig circuitBreakerConfig;
    private final CircuitBreakerConfig configuredBreaker;
    private final ResponseValidation validation;
    private final String deadlineHeader;
    private final String correlationHeader;
    private final boolean propagateTraceparent;
    private final int maxHeaderCount;
    private final int maxHeaderLineLength;
    private final Duration stallTimeout;
    private final boolean streamResponses;

    private UpstreamPolicy(Builder b) {
        this.requestTimeout = b.requestTimeout;
        this.attemptTimeout = b.attemptTimeout;
        this.connectTimeout = b.connectTimeout;
        this.poolLeaseTimeout = b.poolLeaseTimeout;
        this.idleTimeout = b.idleTimeout;
        this.maxConnectionLifetime = b.maxConnectionLifetime;
        this.upstreamKeepAlive = b.upstreamKeepAlive;
        this.keepAliveMargin = b.keepAliveMargin;
        this.frontProxyTimeout = b.frontProxyTimeout;
        this.frontProxyMargin = b.frontProxyMargin;
        this.minAttemptTime = b.minAttemptTime;
        this.maxRetryAfter = b.maxRetryAfter;
        this.maxConcurrentCalls = b.maxConcurrentCalls;
        this.retry = b.retry;
        this.circuitBreakerConfig = b.circuitBreakerEnabled
                ? (b.circuitBreakerConfig != null ? b.circuitBreakerConfig : defaultCircuitBreaker(b.attemptTimeout))
                : null;
        this.configuredBreaker = b.circuitBreakerConfig;
        this.validation = b.validation;
        this.deadlineHeader = b.deadlineHeader;
        this.correlationHeader = b.correlationHeader;
        this.propagateTraceparent = b.propagateTraceparent;
        this.maxHeaderCount = b.maxHeaderCount;
        this.maxHeaderLineLength = b.maxHeaderLineLength;
        this.stallTimeout = b.stallTimeout;
        this.streamResponses = b.streamResponses;
    }

    /** The defaults (see the {@code DEFAULT_*} constants). */
    public static UpstreamPolicy ofDefaults() {
        return builder().build();
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from {@code base}. */
    public static Builder from(UpstreamPolicy base) {
        Builder b = new Builder();
        b.requestTimeout = base.requestTimeout;
        b.attemptTimeout = base.attemptTimeout;
        b.connectTimeout = base.connectTimeout;
        b.poolLeaseTimeout = base.poolLeaseTimeout;
        b.idleTimeout = base.idleTimeout;
        b.maxConnectionLifetime = base.maxConnectionLifetime;
        b.upstreamKeepAlive = base.upstreamKeepAlive;
        b.keepAliveMargin = base.keepAliveMargin;
        b.frontProxyTimeout = base.frontProxyTimeout;
        b.frontProxyMargin = base.frontProxyMargin;
        b.minAttemptTime = base.minAttemptTime;
        b.maxRetryAfter = base.maxRetryAfter;
        b.maxConcurrentCalls = base.maxConcurrentCalls;
        b.retry = base.retry;
        b.circuitBreakerEnabled = base.circuitBreakerConfig != null;
        b.circuitBreakerConfig = base.configuredBreaker;
        b.validation = base.validation;
        b.deadlineHeader = base.deadlineHeader;
        b.correlationHeader = base.correlationHeader;
        b.propagateTraceparent = base.propagateTraceparent;
        b.maxHeaderCount = base.maxHeaderCount;
        b.maxHeaderLineLength = base.maxHeaderLineLength;
        b.stallTimeout = base.stallTimeout;
        b.streamResponses = base.streamResponses;
        return b;
    }

    /**
     * The breaker used when none is given: opens at 50% failures over the last 20 calls (at least 10), stays open
     * 10 s, probes with 3 calls; a call slower than the attempt timeout counts as slow. A starting point for a
     * custom one: {@code CircuitBreakerConfig.from(defaultCircuitBreaker(attempt)).waitDurationInOpenState(...)}.
     */
    public static CircuitBreakerConfig defaultCircuitBreaker(Duration attemptTimeout) {
        return CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(20)
                .minimumNumberOfCalls(10)
                .failureRateThreshold(50)
                .slowCallDurationThreshold(attemptTimeout)
                .waitDurationInOpenState(Duration.ofSeconds(10))
                .permittedNumberOfCallsInHalfOpenState(3)
                .writableStackTraceEnabled(false)
                .build();
    }

    /** Deadline of a call made outside any incoming request (inside one, the request's deadline is used). */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /**
     * Bound of one attempt: connect, send, response headers and the whole body; for a streamed response the
     * headers only (its body is bounded by {@link #stallTimeout()} and the request deadline).
     */
    public Duration attemptTimeout() {
        return attemptTimeout;
    }

    /** TCP connect timeout. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Longest wait for a pooled connection. */
    public Duration poolLeaseTimeout() {
        return poolLeaseTimeout;
    }

    /** Longest time a pooled connection stays idle (cut further by the upstream's Keep-Alive header). */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /**
     * Longest life of a pooled connection from its opening, however busy it is (HttpClient's time-to-live): a
     * connection older than this is closed when it comes back to the pool instead of being reused, so that a DNS
     * change (a migration to a new address) reaches all traffic within the DNS cache's TTL plus this bound.
     * Without it a connection that never goes idle keeps talking to the old address for ever.
     */
    public Duration maxConnectionLifetime() {
        return maxConnectionLifetime;
    }

    /** The upstream's own idle keep-alive timeout when declared, else {@code null}. */
    public Duration upstreamKeepAlive() {
        return upstreamKeepAlive;
    }

    /** How far below the upstream's keep-alive our idle time must stay. */
    public Duration keepAliveMargin() {
        return keepAliveMargin;
    }

    /** The front proxy's timeout when declared (e.g. nginx {@code proxy_read_timeout}), else {@code null}. */
    public Duration frontProxyTimeout() {
        return frontProxyTimeout;
    }

    /** How far below the front proxy's timeout the request deadline must stay. */
    public Duration frontProxyMargin() {
        return frontProxyMargin;
    }

    /** An attempt is not started with less than this left of the deadline. */
    public Duration minAttemptTime() {
        return minAttemptTime;
    }

    /** Cap of an upstream's Retry-After passed on to clients. */
    public Duration maxRetryAfter() {
        return maxRetryAfter;
    }

    /** Concurrent calls allowed (bulkhead; further calls fail fast) and the connection pool's size. */
    public int maxConcurrentCalls() {
        return maxConcurrentCalls;
    }

    /** The retry policy. */
    public RetryPolicy retry() {
        return retry;
    }

    /** The circuit breaker's settings, or {@code null} when the breaker is disabled. */
    public CircuitBreakerConfig circuitBreakerConfig() {
        return circuitBreakerConfig;
    }

    /** The response validation. */
    public ResponseValidation validation() {
        return validation;
    }

    /** Header carrying the remaining deadline upstream, or {@code null} when not sent. */
    public String deadlineHeader() {
        return deadlineHeader;
    }

    /** Header carrying the correlation ID upstream, or {@code null} when not sent. */
    public String correlationHeader() {
        return correlationHeader;
    }

    /** Whether a W3C {@code traceparent} is sent upstream. */
    public boolean propagateTraceparent() {
        return propagateTraceparent;
    }

    /** Most response headers accepted (a larger header section is a failure). */
    public int maxHeaderCount() {
        return maxHeaderCount;
    }

    /** Longest response header line accepted, in bytes. */
    public int maxHeaderLineLength() {
        return maxHeaderLineLength;
    }

    /**
     * Longest wait for the next byte of a streamed response body (see {@code Upstream.stream}); a body that
     * keeps arriving, however slowly, is never cut by it. Buffered calls are bounded by the attempt timeout instead.
     */
    public Duration stallTimeout() {
        return stallTimeout;
    }

    /**
     * Whether responses of the {@code Upstream.httpClient()} path are streamed rather than buffered (default
     * false); a request can choose otherwise with {@code Upstream.streamResponse(context, boolean)}.
     * {@code Upstream.execute} always buffers and {@code Upstream.stream} always streams.
     */
    public boolean streamResponses() {
        return streamResponses;
    }

    @Override
    public String toString() {
        return "UpstreamPolicy[requestTimeout=" + requestTimeout + ", attemptTimeout=" + attemptTimeout
                + ", connectTimeout=" + connectTimeout + ", poolLeaseTimeout=" + poolLeaseTimeout
                + ", idleTimeout=" + idleTimeout + ", maxConnectionLifetime=" + maxConnectionLifetime
                + ", maxConcurrentCalls=" + maxConcurrentCalls
                + ", retry=" + retry + ", circuitBreaker=" + (circuitBreakerConfig != null)
                + ", stallTimeout=" + stallTimeout + ", streamResponses=" + streamResponses + "]";
    }

    /** Builds an {@link UpstreamPolicy}. Not thread-safe; reusable. */
    public static final class Builder {
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Duration attemptTimeout = DEFAULT_ATTEMPT_TIMEOUT;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration poolLeaseTimeout = DEFAULT_POOL_LEASE_TIMEOUT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration maxConnectionLifetime = DEFAULT_MAX_CONNECTION_LIFETIME;
        private Duration upstreamKeepAlive;
        private Duration keepAliveMargin = DEFAULT_KEEP_ALIVE_MARGIN;
        private Duration frontProxyTimeout;
        private Duration frontProxyMargin = DEFAULT_FRONT_PROXY_MARGIN;
        private Duration minAttemptTime = DEFAULT_MIN_ATTEMPT_TIME;
        private Duration maxRetryAfter = DEFAULT_MAX_RETRY_AFTER;
        private int maxConcurrentCalls = DEFAULT_MAX_CONCURRENT_CALLS;
        private RetryPolicy retry = RetryPolicy.ofDefaults();
        private boolean circuitBreakerEnabled = true;
        private CircuitBreakerConfig circuitBreakerConfig;
        private ResponseValidation validation = ResponseValidation.ofDefaults();
        private String deadlineHeader = DeadlineHeader.DEFAULT_NAME;
        private String correlationHeader = DEFAULT_CORRELATION_HEADER;
        private boolean propagateTraceparent = true;
        private int maxHeaderCount = 100;
        private int maxHeaderLineLength = 8192;
        private Duration stallTimeout = DEFAULT_STALL_TIMEOUT;
        private boolean streamResponses;

        private Builder() {
        }

        /** Deadline of calls made outside an incoming request (default 10 s). */
        public Builder requestTimeout(Duration d) {
            this.requestTimeout = PolicyArguments.positive("requestTimeout", d);
            return this;
        }

        /** Bound of one attempt, body included (default 3 s). */
        public Builder attemptTimeout(Duration d) {
            this.attemptTimeout = PolicyArguments.positive("attemptTimeout", d);
            return this;
        }

        /** TCP connect timeout (default 1 s). */
        public Builder connectTimeout(Duration d) {
            this.connectTimeout = PolicyArguments.positive("connectTimeout", d);
            return this;
        }

        /** Longest wait for a pooled connection (default 500 ms). */
        public Builder poolLeaseTimeout(Duration d) {
            this.poolLeaseTimeout = PolicyArguments.positive("poolLeaseTimeout", d);
            return this;
        }

        /** Longest idle time of a pooled connection (default 30 s). */
        public Builder idleTimeout(Duration d) {
            this.idleTimeout = PolicyArguments.positive("idleTimeout", d);
            return this;
        }

        /**
         * Longest life of a pooled connection, busy or idle (default 5 min): bounds how long traffic keeps going
         * to an old address after a DNS change. Shorter means more new connections (and TLS handshakes).
         */
        public Builder maxConnectionLifetime(Duration d) {
            this.maxConnectionLifetime = PolicyArguments.positive("maxConnectionLifetime", d);
            return this;
        }

        /** The upstream's idle keep-alive, when known (Node.js: 5 s); {@code null} for unknown (default). */
        public Builder upstreamKeepAlive(Duration d) {
            this.upstreamKeepAlive = PolicyArguments.positiveOrNull("upstreamKeepAlive", d);
            return this;
        }

        /** Margin below the upstream's keep-alive (default 1 s). */
        public Builder keepAliveMargin(Duration d) {
            this.keepAliveMargin = PolicyArguments.nonNegative("keepAliveMargin", d);
            return this;
        }

        /** The front proxy's timeout when known (nginx {@code proxy_read_timeout}: 60 s); {@code null} for unknown. */
        public Builder frontProxyTimeout(Duration d) {
            this.frontProxyTimeout = PolicyArguments.positiveOrNull("frontProxyTimeout", d);
            return this;
        }

        /** Margin below the front proxy's timeout (default 1 s). */
        public Builder frontProxyMargin(Duration d) {
            this.frontProxyMargin = PolicyArguments.nonNegative("frontProxyMargin", d);
            return this;
        }

        /** Shortest time worth starting an attempt with (default 10 ms). */
        public Builder minAttemptTime(Duration d) {
            this.minAttemptTime = PolicyArguments.nonNegative("minAttemptTime", d);
            return this;
        }

        /** Cap of an upstream Retry-After passed on to clients (default 60 s). */
        public Builder maxRetryAfter(Duration d) {
            this.maxRetryAfter = PolicyArguments.positive("maxRetryAfter", d);
            return this;
        }

        /** Concurrent calls allowed, 1..10000 (default 64); also the pool size. */
        public Builder maxConcurrentCalls(int n) {
            this.maxConcurrentCalls = PolicyArguments.maxConcurrentCalls(n);
            return this;
        }

        /** The retry policy (default {@link RetryPolicy#ofDefaults()}). */
        public Builder retry(RetryPolicy retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /** The circuit breaker's settings (resilience4j); the default opens at 50% failures of the last 20 calls. */
        public Builder circuitBreaker(CircuitBreakerConfig config) {
            this.circuitBreakerConfig = Objects.requireNonNull(config, "config");
            this.circuitBreakerEnabled = true;
            return this;
        }

        /** Whether a circuit breaker guards the upstream (default true). */
        public Builder circuitBreakerEnabled(boolean enabled) {
            this.circuitBreakerEnabled = enabled;
            return this;
        }

        /** The response validation (default {@link ResponseValidation#ofDefaults()}). */
        public Builder validation(ResponseValidation validation) {
            this.validation = Objects.requireNonNull(validation, "validation");
            return this;
        }

        /** Header carrying the remaining deadline upstream (default {@code X-Request-Timeout-Ms}); null: none. */
        public Builder deadlineHeader(String name) {
            this.deadlineHeader = PolicyArguments.headerName("deadlineHeader", name);
            return this;
        }

        /** Header carrying the correlation ID upstream (default {@code X-Request-ID}); null: none. */
        public Builder correlationHeader(String name) {
            this.correlationHeader = PolicyArguments.headerName("correlationHeader", name);
            return this;
        }

        /** Whether to send a W3C {@code traceparent} upstream (default true). */
        public Builder propagateTraceparent(boolean propagate) {
            this.propagateTraceparent = propagate;
            return this;
        }

        /** Response header limits: most headers (1..10000, default 100), longest line (256..1 MiB, default 8192). */
        public Builder headerLimits(int maxHeaderCount, int maxHeaderLineLength) {
            PolicyArguments.headerLimits(maxHeaderCount, maxHeaderLineLength);
            this.maxHeaderCount = maxHeaderCount;
            this.maxHeaderLineLength = maxHeaderLineLength;
            return this;
        }

        /**
         * Longest wait for the next byte of a streamed response body, 1 ms..1 day (default 30 s). A stall fails the
         * body's {@code read()} with {@code http_response_timeout}.
         */
        public Builder stallTimeout(Duration d) {
            this.stallTimeout = PolicyArguments.stallTimeout(d);
            return this;
        }

        /** Whether the {@code httpClient()} path streams response bodies instead of buffering them (default false). */
        public Builder streamResponses(boolean stream) {
            this.streamResponses = stream;
            return this;
        }

        /**
         * The policy.
         *
         * @throws InvalidPolicyException when the timeouts are not aligned
         */
        public UpstreamPolicy build() {
            UpstreamPolicy policy = new UpstreamPolicy(this);
            List<PolicyViolation> violations = TimeoutAlignment.check(policy);
            if (!violations.isEmpty()) {
                throw new InvalidPolicyException(violations);
            }
            return policy;
        }
    }
}
