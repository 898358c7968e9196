package dev.upstreamguard.spring.retry;

import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.classify.RequestSent;
import java.lang.reflect.Method;
import org.springframework.resilience.retry.MethodRetryPredicate;

/**
 * Keeps Spring Framework 7's {@code @Retryable} (and any {@code RetryPolicy}) from retrying an upstream failure that
 * the guard already retried or that cannot succeed now: the guard is the retry layer for upstream calls, and a
 * second layer on top multiplies the load on an upstream that is failing.
 *
 * <pre>{@code
 * @Retryable(predicate = UpstreamRetryPredicate.class, maxRetries = 2)
 * public Report report(String id) { ... }
 *
 * RetryPolicy policy = RetryPolicy.builder().predicate(UpstreamRetryPredicate::shouldRetry).build();
 * }</pre>
 *
 * <p>An {@link UpstreamException} (thrown directly or found among the causes, as a {@code RestClient}'s
 * {@code ResourceAccessException} carries it) is retried only when all of these hold; any other exception is left to
 * the annotation's {@code includes} / {@code excludes}:
 * <ul>
 *   <li>the guard made a single attempt: more attempts mean it retried already, under its budget and deadline;</li>
 *   <li>the request never left this process ({@link RequestSent#NO}): a request that was or may have been sent is
 *       retried by the guard alone, which knows whether its method is idempotent;</li>
 *   <li>the guard did not reject or stop it: breaker open ({@code CIRCUIT_OPEN}), bulkhead full
 *       ({@code CONNECTION_LIMIT_REACHED}), deadline spent ({@code DEADLINE_EXCEEDED} or "deadline reached"),
 *       retry budget exhausted;</li>
 *   <li>it is {@linkplain UpstreamException#retryable() retryable} (not a configuration or internal error).</li>
 * </ul>
 * What remains is, typically, a refused or timed-out connection on an upstream whose own retries are off
 * ({@code retry.max-attempts: 1}).
 */
public final class UpstreamRetryPredicate implements MethodRetryPredicate {
    /** Details the guard appends when it stopped retrying for its budget or the request's deadline. */
    private static final String[] GUARD_STOPS = { "retry budget exhausted", "deadline reached" };

    @Override
    public boolean shouldRetry(Method method, Throwable throwable) {
        return shouldRetry(throwable);
    }

    /** Whether {@code throwable} may be retried by a retry layer above the guard (see the class comment). */
    public static boolean shouldRetry(Throwable throwable) {
        UpstreamException failure = upstreamFailure(throwable);
        if (failure == null) {
            return true;
        }
        if (!failure.retryable() || failure.attempts() > 1 || failure.requestSent() != RequestSent.NO) {
            return false;
        }
        switch (failure.kind()) {
            case CIRCUIT_OPEN, CONNECTION_LIMIT_REACHED, DEADLINE_EXCEEDED:
                return false;
            default:
                break;
        }
        String details = failure.details();
        if (details != null) {
            for (String stop : GUARD_STOPS) {
                if (details.contains(stop)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The {@link UpstreamException} that {@code throwable} is or carries among its causes, or {@code null}. */
    public static UpstreamException upstreamFailure(Throwable throwable) {
        int depth = 0;
        for (Throwable t = throwable; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof UpstreamException e) {
                return e;
            }
        }
        return null;
    }
}
