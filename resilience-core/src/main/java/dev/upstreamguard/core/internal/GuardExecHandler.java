package dev.upstreamguard.core.internal;

import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.core.deadline.Deadline;
import dev.upstreamguard.core.deadline.NanoClock;
import dev.upstreamguard.core.deadline.RequestContext;
import dev.upstreamguard.core.metrics.UpstreamMetrics;
import dev.upstreamguard.core.retry.RetryBudget;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.DoubleSupplier;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.ProtocolVersion;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.net.URIAuthority;

/**
 * The whole policy as one HttpClient exec-chain element, outermost first: deadline -> bulkhead -> retry ->
 * circuit breaker -> attempt timeout -> (HttpClient's redirect, decompression, connect, transport) -> validation.
 *
 * <p>It returns a response whose body is fully read and validated, or throws {@link UpstreamException}. A
 * streamed call returns once its head is validated; its body is a {@link GuardedBodyStream}.
 */
public final class GuardExecHandler implements ExecChainHandler {
    /** Context attribute holding the number of attempts of the last call. */
    public static final String ATTEMPTS_ATTRIBUTE = "dev.upstreamguard.attempts";
    /** Context attribute: {@code Boolean} whether the call streams its response body (else the policy decides). */
    public static final String STREAM_ATTRIBUTE = "dev.upstreamguard.stream";

    private final String upstream;
    private final UpstreamPolicy policy;
    private final CircuitBreaker breaker;
    private final BreakerRetryAfter breakerRetryAfter;
    private final Bulkhead bulkhead;
    private final RetryBudget budget;
    private final UpstreamMetrics metrics;
    private final NanoClock clock;
    private final DoubleSupplier random;
    private final AttemptExecutor attempts;
    private final FailureReport report;
    private final long requestTimeoutNanos;
    private final long attemptTimeoutNanos;
    private final long minAttemptNanos;

    public GuardExecHandler(String upstream, UpstreamPolicy policy, CircuitBreaker breaker, Bulkhead bulkhead,
            UpstreamMetrics metrics, ScheduledExecutorService scheduler, NanoClock clock, DoubleSupplier random,
            FailureReport report) {
        this.upstream = upstream;
        this.policy = policy;
        this.breaker = breaker;
        this.breakerRetryAfter = breaker == null ? null : new BreakerRetryAfter(breaker, clock);
        this.bulkhead = bulkhead;
        this.budget = RetryBudget.of(policy.retry().budget(), clock);
        this.metrics = metrics;
        this.clock = clock;
        this.random = random;
        this.attempts = new AttemptExecutor(policy, scheduler);
        this.report = report;
        this.requestTimeoutNanos = saturatedNanos(policy.requestTimeout());
        this.attemptTimeoutNanos = policy.attemptTimeout().toNanos();
        this.minAttemptNanos = policy.minAttemptTime().toNanos();
    }

    /** As {@code Deadline.after} computes a budget: overflowing durations become a quarter of the range. */
    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE / 4;
        }
    }

    @Override
    public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
            throws IOException {
        long start = clock.nanoTime();
        RequestContext rc = RequestContext.current();
        budget.recordRequest(start);
        if (!bulkhead.tryAcquirePermission()) {
            throw reject(request, clock.nanoTime() - start, FailureKind.CONNECTION_LIMIT_REACHED,
                    "concurrent-call limit reached", Duration.ofSeconds(1), 0);
        }
        boolean streaming = streams(scope.clientContext);
        boolean handedOver = false;
        try {
            ClassicHttpResponse response = retryLoop(request, scope, chain, rc, start, streaming);
            if (metrics != UpstreamMetrics.NOOP) { // spares a clock read when nothing records it
                metrics.callCompleted(upstream, request.getMethod(), null, false, response.getCode(),
                        clock.nanoTime() - start);
            }
            if (streaming && response.getEntity() != null) {
                handOver(request, response, scope, rc, start);
                handedOver = true; // the body's end returns the bulkhead permit
            }
            return response;
        } finally {
            if (!handedOver) {
                bulkhead.onComplete();
            }
        }
    }

    /** Whether this call streams its response body: the call's choice, else the policy's. */
    private boolean streams(HttpContext context) {
        Object choice = context.getAttribute(STREAM_ATTRIBUTE);
        return choice instanceof Boolean b ? b : policy.streamResponses();
    }

    /**
     * Gives a streamed response its guarded body, which keeps the connection, the bulkhead permit and (when the
     * request has one) the request deadline's watch until the body ends.
     */
    private void handOver(ClassicHttpRequest request, ClassicHttpResponse response, ExecChain.Scope scope,
            RequestContext rc, long start) throws IOException {
        Deadline deadline = rc == null ? null : rc.deadline();
        AttemptWatchdog.Slot watch = deadline == null ? null
                : attempts.watchBody(scope.execRuntime, System.nanoTime() + deadline.remainingNanos());
        Object made = scope.clientContext.getAttribute(ATTEMPTS_ATTRIBUTE);
        StreamCall call = new StreamCall(upstream, request.getMethod(), response.getCode(),
                made instanceof Integer n ? n : 1, breaker, bulkhead, metrics, report, scope.execRuntime, watch,
                clock, start, policy.stallTimeout().toMillis());
        HttpEntity entity = response.getEntity();
        InputStream content;
        try {
            content = entity.getContent();
        } catch (IOException | RuntimeException e) {
            Boolean inTime = call.end();
            throw call.failed(e, 0, inTime == null || inTime);
        }
        if (content == null) {
            content = InputStream.nullInputStream();
        }
        response.setEntity(new StreamingEntity(entity, new GuardedBodyStream(content, entity.getContentLength(),
                call)));
    }

    private ClassicHttpResponse retryLoop(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain,
            RequestContext rc, long start, boolean streaming) throws UpstreamException {
        // Clock reads cost tens of nanoseconds on virtual machines, as much as a whole policy step: each moment
        // is read once and reused (the first attempt starts at the call's start; an attempt's end is the next
        // check's "now"). Without a request deadline the call's deadline is a number, not a Deadline per call; a
        // request deadline on the same clock is read once and then tracked the same way.
        Deadline deadline = rc != null ? rc.deadline() : null;
        long expiresAt;
        if (deadline == null) {
            expiresAt = start + requestTimeoutNanos;
        } else if (deadline.clock() == clock) {
            expiresAt = start + deadline.remainingNanos();
            deadline = null;
        } else {
            expiresAt = 0; // a deadline on another clock (tests) is asked each time
        }
        long now = start;
        // The first attempt sends the request HttpClient handed us (already its own copy of the caller's); the
        // chain below adds headers to it and may set its scheme and authority, so later attempts send a copy
        // restored to what it was before the first one.
        Header[] sentHeaders = request.getHeaders();
        String scheme = request.getScheme();
        URIAuthority authority = request.getAuthority();
        String path = request.getPath();
        ProtocolVersion version = request.getVersion();
        HttpEntity entity = request.getEntity();
        // Judged before the first attempt: the chain may wrap a one-shot body in a proxy that claims to be
        // repeatable until it is consumed.
        boolean retrySafe = RetryRules.isRetrySafe(request, scope.clientContext);
        boolean repeatable = RetryRules.isRepeatable(request);
        boolean staleRetryUsed = false;
        AttemptResult last = null;
        String stopReason = null;
        int made = 0;
        for (int attempt = 1; ; attempt++) {
            long remaining = remainingNanos(deadline, expiresAt, now);
            if (remaining < minAttemptNanos || remaining <= 0) {
                if (last == null) {
                    throw reject(request, clock.nanoTime() - start, FailureKind.DEADLINE_EXCEEDED,
                            "deadline expired before the call", null, 0);
                }
                stopReason = "deadline reached";
                break;
            }
            if (breaker != null) {
                if (!breaker.tryAcquirePermission()) {
                    throw reject(request, now - start, FailureKind.CIRCUIT_OPEN, "circuit breaker open",
                            breakerRetryAfter.remaining(now), attempt - 1);
                }
                breakerRetryAfter.permitted();
            }
            long budgetNanos = Math.min(attemptTimeoutNanos, remaining);
            ClassicHttpRequest toSend = last == null ? request
                    : pristineCopy(request, sentHeaders, scheme, authority, path, version, entity);
            long attemptStart = now;
            last = attempts.run(toSend, scope, chain, rc, budgetNanos, attempt,
                    clock == NanoClock.SYSTEM ? attemptStart : System.nanoTime(), streaming);
            now = clock.nanoTime();
            long took = now - attemptStart;
            if (last.succeeded()) {
                if (breaker != null) {
                    breaker.onSuccess(took, TimeUnit.NANOSECONDS);
                    breakerRetryAfter.afterOutcome();
                }
                // Upstream reads a missing attribute as 1: set it only when it says more (a new context would
                // otherwise allocate its attribute map on every call).
                if (attempt != 1 || scope.clientContext.getAttribute(ATTEMPTS_ATTRIBUTE) != null) {
                    scope.clientContext.setAttribute(ATTEMPTS_ATTRIBUTE, attempt);
                }
                return last.response;
            }
            // A stale pooled connection (closed by the upstream while idle) is retried at once, once, outside the
            // budget and the breaker: the request never reached a live server.
            if (last.staleConnection && !staleRetryUsed && repeatable && retrySafe) {
                staleRetryUsed = true;
                if (breaker != null) {
                    breaker.releasePermission();
                }
                metrics.retry(upstream, last.failure.kind());
                attempt--; // not counted: the attempt never reached the upstream
                continue;
            }
            made = attempt;
            if (breaker != null) {
                breaker.onError(took, TimeUnit.NANOSECONDS, report.breakerSignal(last));
                breakerRetryAfter.afterOutcome();
            }
            if (attempt >= policy.retry().maxAttempts()) {
                break;
            }
            if (!repeatable
                    || !RetryRules.isRetryable(last.failure.kind(), last.receivedStatus, retrySafe, policy.retry())) {
                break;
            }
            long wait = waitBeforeRetry(last, attempt + 1);
            if (remainingNanos(deadline, expiresAt, now) - wait < minAttemptNanos) {
                stopReason = "deadline reached";
                break;
            }
            if (!budget.tryAcquireRetry()) {
                metrics.retrySuppressed(upstream);
                stopReason = "retry budget exhausted";
                break;
            }
            metrics.retry(upstream, last.failure.kind());
            if (!pause(wait)) {
                stopReason = "interrupted";
                break;
            }
            now = clock.nanoTime();
        }
        throw report.failure(upstream, request.getMethod(), last, made, stopReason, clock.nanoTime() - start);
    }

    private static long remainingNanos(Deadline deadline, long expiresAt, long now) {
        return deadline != null ? deadline.remainingNanos() : Math.max(0, expiresAt - now);
    }

    /** A copy of {@code sent} with the parts the exec chain may have changed restored to their values before. */
    private static ClassicHttpRequest pristineCopy(ClassicHttpRequest sent, Header[] headers, String scheme,
            URIAuthority authority, String path, ProtocolVersion version, HttpEntity entity) {
        ClassicHttpRequest copy = ClassicRequestBuilder.copy(sent).build();
        copy.setHeaders(headers);
        copy.setScheme(scheme);
        copy.setAuthority(authority);
        copy.setPath(path);
        copy.setVersion(version);
        copy.setEntity(entity);
        return copy;
    }

    /** The upstream's Retry-After when it asked for one, else exponential backoff with full jitter. */
    private long waitBeforeRetry(AttemptResult last, int nextAttempt) {
        if (policy.retry().honorRetryAfter() && last.retryAfter != null) {
            return last.retryAfter.toNanos();
        }
        return policy.retry().backoffNanos(nextAttempt, random.getAsDouble());
    }

    /** Waits {@code nanos}; false when interrupted (the interrupt flag is kept). */
    private static boolean pause(long nanos) {
        long until = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = until - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
        }
        return true;
    }

    private UpstreamException reject(ClassicHttpRequest request, long elapsedNanos, FailureKind kind,
            String details, Duration retryAfter, int attemptsMade) {
        return report.rejection(upstream, request.getMethod(), kind, details, retryAfter, attemptsMade,
                elapsedNanos);
    }
}
