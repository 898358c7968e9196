package dev.upstreamguard.spring.autoconfigure;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.util.unit.DataSize;

/**
 * Settings of one upstream: {@code upstream-guard.upstreams.<name>.*}, on top of
 * {@code upstream-guard.upstream-defaults.*}. The defaults are those of {@code UpstreamPolicy}.
 */
public class UpstreamProperties {

    /** Where relative requests go: http(s)://host[:port][/path]. Without it, requests must carry absolute URIs. */
    private URI baseUri;

    /** TCP connect timeout; must be <= attempt-timeout. */
    private Duration connectTimeout = Duration.ofSeconds(1);

    /** Bound of one attempt, response body included; must be <= upstream-guard.request-timeout. */
    private Duration attemptTimeout = Duration.ofSeconds(3);

    /** Longest wait for a pooled connection; must be <= attempt-timeout. */
    private Duration poolLeaseTimeout = Duration.ofMillis(500);

    /**
     * Longest time a pooled connection stays idle before it is closed (outbound keep-alive); must be <= keep-alive -
     * keep-alive-margin when keep-alive is set.
     */
    private Duration idleTimeout = Duration.ofSeconds(30);

    /**
     * Longest life of a pooled connection, busy or idle, after which it is replaced: bounds how long traffic keeps
     * going to an old address after a DNS change (a migration reaches traffic within the DNS TTL plus this).
     */
    private Duration maxConnectionLifetime = Duration.ofMinutes(5);

    /** The upstream's own idle keep-alive timeout, when known (Node.js: 5s, nginx keepalive_timeout: 75s). */
    private Duration keepAlive;

    /** How far below the upstream's keep-alive the idle timeout stays. */
    private Duration keepAliveMargin = Duration.ofSeconds(1);

    /** Calls in flight at once (bulkhead; further calls fail fast with 503) and the connection pool's size. */
    private int maxConcurrentCalls = 64;

    /** An attempt is not started with less than this left of the request's deadline. */
    private Duration minAttemptTime = Duration.ofMillis(10);

    /** Cap of an upstream's Retry-After passed on to clients. */
    private Duration maxRetryAfter = Duration.ofSeconds(60);

    /** Whether a W3C traceparent header is sent to the upstream. */
    private boolean propagateTraceparent = true;

    /**
     * Longest wait for the next byte of a streamed response body; a body that keeps arriving, however slowly, is
     * never cut by it (streamed bodies are not bounded by attempt-timeout).
     */
    private Duration stallTimeout = Duration.ofSeconds(30);

    /**
     * Whether responses are streamed instead of buffered (the RestClient and HttpClient of this upstream): for
     * downloads and server-sent events; validation then covers status and content type only.
     */
    private boolean streamResponses;

    /** Retries. */
    private final Retry retry = new Retry();

    /** Circuit breaker (resilience4j). */
    private final CircuitBreaker circuitBreaker = new CircuitBreaker();

    /** What a response must look like to count as an answer. */
    private final Validation validation = new Validation();

    /** TLS to the upstream. */
    private final Ssl ssl = new Ssl();

    public URI getBaseUri() {
        return baseUri;
    }

    public void setBaseUri(URI baseUri) {
        this.baseUri = baseUri;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getAttemptTimeout() {
        return attemptTimeout;
    }

    public void setAttemptTimeout(Duration attemptTimeout) {
        this.attemptTimeout = attemptTimeout;
    }

    public Duration getPoolLeaseTimeout() {
        return poolLeaseTimeout;
    }

    public void setPoolLeaseTimeout(Duration poolLeaseTimeout) {
        this.poolLeaseTimeout = poolLeaseTimeout;
    }

    public Duration getIdleTimeout() {
        return idleTimeout;
    }

    public void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    public Duration getMaxConnectionLifetime() {
        return maxConnectionLifetime;
    }

    public void setMaxConnectionLifetime(Duration maxConnectionLifetime) {
        this.maxConnectionLifetime = maxConnectionLifetime;
    }

    public Duration getKeepAlive() {
        return keepAlive;
    }

    public void setKeepAlive(Duration keepAlive) {
        this.keepAlive = keepAlive;
    }

    public Duration getKeepAliveMargin() {
        return keepAliveMargin;
    }

    public void setKeepAliveMargin(Duration keepAliveMargin) {
        this.keepAliveMargin = keepAliveMargin;
    }

    public int getMaxConcurrentCalls() {
        return maxConcurrentCalls;
    }

    public void setMaxConcurrentCalls(int maxConcurrentCalls) {
        this.maxConcurrentCalls = maxConcurrentCalls;
    }

    public Duration getMinAttemptTime() {
        return minAttemptTime;
    }

    public void setMinAttemptTime(Duration minAttemptTime) {
        this.minAttemptTime = minAttemptTime;
    }

    public Duration getStallTimeout() {
        return stallTimeout;
    }

    public void setStallTimeout(Duration stallTimeout) {
        this.stallTimeout = stallTimeout;
    }

    public boolean isStreamResponses() {
        return streamResponses;
    }

    public void setStreamResponses(boolean streamResponses) {
        this.streamResponses = streamResponses;
    }

    public Duration getMaxRetryAfter() {
        return maxRetryAfter;
    }

    public void setMaxRetryAfter(Duration maxRetryAfter) {
        this.maxRetryAfter = maxRetryAfter;
    }

    public boolean isPropagateTraceparent() {
        return propagateTraceparent;
    }

    public void setPropagateTraceparent(boolean propagateTraceparent) {
        this.propagateTraceparent = propagateTraceparent;
    }

    public Retry getRetry() {
        return retry;
    }

    public CircuitBreaker getCircuitBreaker() {
        return circuitBreaker;
    }

    public Validation getValidation() {
        return validation;
    }

    public Ssl getSsl() {
        return ssl;
    }

    /** Retry settings of one upstream. */
    public static class Retry {

        /** Attempts in all, the first included (1 = no retry), 1..10. */
        private int maxAttempts = 3;

        /** Cap of the first backoff (exponential backoff with full jitter). */
        private Duration initialBackoff = Duration.ofMillis(50);

        /** Cap of any backoff. */
        private Duration maxBackoff = Duration.ofSeconds(1);

        /** Growth of the backoff cap per attempt, >= 1. */
        private double multiplier = 2.0;

        /** Upstream statuses (500..599) retried for idempotent or retry-safe requests. */
        private List<Integer> retryOnStatuses = new ArrayList<>(Arrays.asList(502, 503, 504));

        /** Whether the upstream's Retry-After replaces the backoff when it fits the deadline. */
        private boolean honorRetryAfter = true;

        /** Retry budget: caps retries to a share of recent requests. */
        private final Budget budget = new Budget();

        public int getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public Duration getInitialBackoff() {
            return initialBackoff;
        }

        public void setInitialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
        }

        public Duration getMaxBackoff() {
            return maxBackoff;
        }

        public void setMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }

        public double getMultiplier() {
            return multiplier;
        }

        public void setMultiplier(double multiplier) {
            this.multiplier = multiplier;
        }

        public List<Integer> getRetryOnStatuses() {
            return retryOnStatuses;
        }

        public void setRetryOnStatuses(List<Integer> retryOnStatuses) {
            this.retryOnStatuses = retryOnStatuses;
        }

        public boolean isHonorRetryAfter() {
            return honorRetryAfter;
        }

        public void setHonorRetryAfter(boolean honorRetryAfter) {
            this.honorRetryAfter = honorRetryAfter;
        }

        public Budget getBudget() {
            return budget;
        }
    }

    /** Retry budget of one upstream: retries stay within ratio x requests + min-retries-per-second, over a window. */
    public static class Budget {

        /** Whether the budget limits retries; when false, max-attempts alone does. */
        private boolean enabled = true;

        /** Retries allowed per request in the window, 0..1. */
        private double ratio = 0.2;

        /** Floor of retries per second, so that low traffic can still retry. */
        private double minRetriesPerSecond = 1.0;

        /** The sliding window, whole seconds from 1s to 10m. */
        private Duration window = Duration.ofSeconds(10);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public double getRatio() {
            return ratio;
        }

        public void setRatio(double ratio) {
            this.ratio = ratio;
        }

        public double getMinRetriesPerSecond() {
            return minRetriesPerSecond;
        }

        public void setMinRetriesPerSecond(double minRetriesPerSecond) {
            this.minRetriesPerSecond = minRetriesPerSecond;
        }

        public Duration getWindow() {
            return window;
        }

        public void setWindow(Duration window) {
            this.window = window;
        }
    }

    /** Circuit breaker settings of one upstream (resilience4j). */
    public static class CircuitBreaker {

        /** Whether a circuit breaker guards the upstream. */
        private boolean enabled = true;

        /** Failure rate, in percent, at or above which the breaker opens. */
        private float failureRateThreshold = 50;

        /** Slow-call rate, in percent, at or above which the breaker opens. */
        private float slowCallRateThreshold = 100;

        /** A call slower than this counts as slow; must be <= attempt-timeout. Default: the attempt-timeout. */
        private Duration slowCallDurationThreshold;

        /** Whether the window counts calls or seconds. */
        private SlidingWindowType slidingWindowType = SlidingWindowType.COUNT_BASED;

        /** Size of the window: calls, or seconds (then >= 2 x attempt-timeout). */
        private int slidingWindowSize = 20;

        /** Calls needed in the window before the failure rate counts. */
        private int minimumNumberOfCalls = 10;

        /** How long the breaker stays open before it lets probe calls through. */
        private Duration waitDurationInOpenState = Duration.ofSeconds(10);

        /** Probe calls allowed while half-open. */
        private int permittedNumberOfCallsInHalfOpenState = 3;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public float getFailureRateThreshold() {
            return failureRateThreshold;
        }

        public void setFailureRateThreshold(float failureRateThreshold) {
            this.failureRateThreshold = failureRateThreshold;
        }

        public float getSlowCallRateThreshold() {
            return slowCallRateThreshold;
        }

        public void setSlowCallRateThreshold(float slowCallRateThreshold) {
            this.slowCallRateThreshold = slowCallRateThreshold;
        }

        public Duration getSlowCallDurationThreshold() {
            return slowCallDurationThreshold;
        }

        public void setSlowCallDurationThreshold(Duration slowCallDurationThreshold) {
            this.slowCallDurationThreshold = slowCallDurationThreshold;
        }

        public SlidingWindowType getSlidingWindowType() {
            return slidingWindowType;
        }

        public void setSlidingWindowType(SlidingWindowType slidingWindowType) {
            this.slidingWindowType = slidingWindowType;
        }

        public int getSlidingWindowSize() {
            return slidingWindowSize;
        }

        public void setSlidingWindowSize(int slidingWindowSize) {
            this.slidingWindowSize = slidingWindowSize;
        }

        public int getMinimumNumberOfCalls() {
            return minimumNumberOfCalls;
        }

        public void setMinimumNumberOfCalls(int minimumNumberOfCalls) {
            this.minimumNumberOfCalls = minimumNumberOfCalls;
        }

        public Duration getWaitDurationInOpenState() {
            return waitDurationInOpenState;
        }

        public void setWaitDurationInOpenState(Duration waitDurationInOpenState) {
            this.waitDurationInOpenState = waitDurationInOpenState;
        }

        public int getPermittedNumberOfCallsInHalfOpenState() {
            return permittedNumberOfCallsInHalfOpenState;
        }

        public void setPermittedNumberOfCallsInHalfOpenState(int permittedNumberOfCallsInHalfOpenState) {
            this.permittedNumberOfCallsInHalfOpenState = permittedNumberOfCallsInHalfOpenState;
        }
    }

    /** Response validation of one upstream. */
    public static class Validation {

        /** Statuses that count as answers, as codes and ranges ("200-299,404"); an unaccepted 5xx fails the call. */
        private List<String> statuses = new ArrayList<>(Arrays.asList("100-499"));

        /** Content types of which the response's must be one (type/subtype or type/*); empty: any. */
        private List<String> contentTypes = new ArrayList<>();

        /** Largest response body accepted; a larger one fails the call (http_response_body_size). */
        private DataSize maxBodySize = DataSize.ofMegabytes(16);

        /** Whether an empty body fails the call. */
        private boolean requireBody;

        public List<String> getStatuses() {
            return statuses;
        }

        public void setStatuses(List<String> statuses) {
            this.statuses = statuses;
        }

        public List<String> getContentTypes() {
            return contentTypes;
        }

        public void setContentTypes(List<String> contentTypes) {
            this.contentTypes = contentTypes;
        }

        public DataSize getMaxBodySize() {
            return maxBodySize;
        }

        public void setMaxBodySize(DataSize maxBodySize) {
            this.maxBodySize = maxBodySize;
        }

        public boolean isRequireBody() {
            return requireBody;
        }

        public void setRequireBody(boolean requireBody) {
            this.requireBody = requireBody;
        }
    }

    /** TLS settings of one upstream. */
    public static class Ssl {

        /**
         * Name of a Spring Boot SSL bundle (spring.ssl.bundle.jks.* or .pem.*) whose key and trust material the
         * upstream's https connections use: a client certificate (mTLS), a custom trust store. Unset: the JVM's.
         */
        private String bundle;

        public String getBundle() {
            return bundle;
        }

        public void setBundle(String bundle) {
            this.bundle = bundle;
        }
    }
}
