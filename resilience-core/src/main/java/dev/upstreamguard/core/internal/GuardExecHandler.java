package dev.upstreamguard.core.internal;

import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.core.UpstreamResponse;
import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.core.deadline.Deadline;
import dev.upstreamguard.core.deadline.NanoClock;
import dev.upstreamguard.core.deadline.RequestContext;
import dev.upstreamguard.core.metrics.UpstreamMetrics;
import dev.upstreamguard.core.retry.RetryBudget;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.DoubleSupplier;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpResponse;

/**
 * The whole policy as one HttpClient exec-chain element, outermost first: deadline -> bulkhead -> retry ->
 * circuit breaker -> attempt timeout -> (HttpClient's redirect, decompression, connect, transport) -> validation.
 *
 * <p>It returns a response whose body is fully read and validated, or throws {@link UpstreamException}.
 */
public final class GuardExecHandler implements ExecChainHandler {
    /** Context attribute holding the number of attempts of the last call. */
    public static final String ATTEMPTS_ATTRIBUTE = "dev.upstreamguard.attempts";

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
    }

    @Override
    public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
            throws IOException {
        long start = clock.nanoTime();
        RequestContext rc = RequestContext.current();
        Deadline deadline = rc != null && rc.deadline() != null
                ? rc.deadline()
                : Deadline.after(policy.requestTimeout(), clock);
        budget.recordRequest();
        if (!bulkhead.tryAcquirePermission()) {
            throw reject(request, start, FailureKind.CONNECTION_LIMIT_REACHED, "concurrent-call limit reached",
                    Duration.ofSeconds(1), 0);
        }
        try {
            UpstreamResponse response = retryLoop(request, scope, chain, rc, deadline, start);
            scope.clientContext.setAttribute(ATTEMPTS_ATTRIBUTE, response.attempts());
            metrics.callCompleted(upstream, request.getMethod(), null, false, response.status(),
                    clock.nanoTime() - start);
            return toHttpResponse(response);
        } finally {
            bulkhead.onComplete();
        }
    }

    private UpstreamResponse retryLoop(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain,
            RequestContext rc, Deadline deadline, long start) throws UpstreamException {
        boolean retrySafe = RetryRules.isRetrySafe(request, scope.clientContext);
        boolean staleRetryUsed = false;
        long minAttemptNanos = policy.minAttemptTime().toNanos();
        AttemptResult last = null;
        String stopReason = null;
        int made = 0;
        for (int attempt = 1; ; attempt++) {
            long remaining = deadline.remainingNanos();
            if (remaining < minAttemptNanos || remaining <= 0) {
                if (last == null) {
                    throw reject(request, start, FailureKind.DEADLINE_EXCEEDED, "deadline expired before the call",
                            null, 0);
                }
                stopReason = "deadline reached";
                break;
            }
            if (breaker != null && !breaker.tryAcquirePermission()) {
                throw reject(request, start, FailureKind.CIRCUIT_OPEN, "circuit breaker open",
                        breakerRetryAfter.remaining(), attempt - 1);
            }
            long budgetNanos = Math.min(policy.attemptTimeout().toNanos(), remaining);
            long attemptStart = clock.nanoTime();
            last = attempts.run(request, scope, chain, rc, budgetNanos, attempt);
            long took = clock.nanoTime() - attemptStart;
            if (last.succeeded()) {
                if (breaker != null) {
                    breaker.onSuccess(took, TimeUnit.NANOSECONDS);
                }
                return last.response;
            }
            // A stale pooled connection (closed by the upstream while idle) is retried at once, once, outside the
            // budget and the breaker: the request never reached a live server.
            if (last.staleConnection && !staleRetryUsed && RetryRules.isRepeatable(request) && retrySafe) {
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
            }
            if (attempt >= policy.retry().maxAttempts()) {
                break;
            }
            if (!RetryRules.isRepeatable(request)
                    || !RetryRules.isRetryable(last.failure.kind(), last.receivedStatus, retrySafe, policy.retry())) {
                break;
            }
            long wait = waitBeforeRetry(last, attempt + 1);
            if (deadline.remainingNanos() - wait < minAttemptNanos) {
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
        }
        throw report.failure(upstream, request.getMethod(), last, made, stopReason, clock.nanoTime() - start);
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

    private UpstreamException reject(ClassicHttpRequest request, long start, FailureKind kind, String details,
            Duration retryAfter, int attemptsMade) {
        return report.rejection(upstream, request.getMethod(), kind, details, retryAfter, attemptsMade,
                clock.nanoTime() - start);
    }

    private static ClassicHttpResponse toHttpResponse(UpstreamResponse r) {
        BasicClassicHttpResponse out = new BasicClassicHttpResponse(r.status());
        for (Header h : r.headers()) {
            String name = h.getName();
            if (!name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH) && !name.equalsIgnoreCase(HttpHeaders.TRANSFER_ENCODING)) {
                out.addHeader(h);
            }
        }
        ContentType type = null;
        String ct = r.contentType();
        if (ct != null) {
            try {
                type = ContentType.parseLenient(ct);
            } catch (RuntimeException malformed) {
                type = null;
            }
        }
        out.setEntity(new ByteArrayEntity(r.body(), type));
        return out;
    }
}
