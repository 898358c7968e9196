package dev.upstreamguard.core.internal;

import dev.upstreamguard.core.deadline.NanoClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;

/**
 * Tracks when the breaker opened, to tell clients how long until it half-opens (resilience4j keeps that private).
 *
 * <p>It watches the breaker's state around the calls this upstream makes instead of subscribing to its events:
 * once any consumer is registered, resilience4j builds an event (with a {@code ZonedDateTime}) for every
 * successful call, which would cost more than the rest of the policy. The breaker opens inside
 * {@code onError}/{@code onSuccess} of a permitted call, so {@link #afterOutcome()} sees the moment it opens. A
 * breaker opened elsewhere (by hand, or by another user of a shared breaker) is noticed at the first rejection and
 * counted from then: its Retry-After is then the whole wait, never less than the truth.
 */
final class BreakerRetryAfter {
    private static final long ONE_SECOND = Duration.ofSeconds(1).toNanos();

    private final CircuitBreaker breaker;
    private final NanoClock clock;
    private volatile long openedAtNanos;
    private volatile long waitNanos;
    /** Whether the current (or last) opening has been recorded; cleared once the breaker permits a call. */
    private volatile boolean openingSeen;

    BreakerRetryAfter(CircuitBreaker breaker, NanoClock clock) {
        this.breaker = breaker;
        this.clock = clock;
    }

    /** After the breaker permitted a call: it is not open, so the next opening is a new one. */
    void permitted() {
        if (openingSeen) {
            openingSeen = false;
        }
    }

    /** After an outcome was reported to the breaker: records the moment it opened, if that outcome opened it. */
    void afterOutcome() {
        if (!openingSeen && breaker.getState() == CircuitBreaker.State.OPEN) {
            opened();
        }
    }

    /** Time until the breaker lets a probe through, at least one second; {@code now} is the clock's time. */
    Duration remaining(long now) {
        if (!openingSeen && breaker.getState() == CircuitBreaker.State.OPEN) {
            opened(now);
        }
        long left = waitNanos - (now - openedAtNanos);
        return Duration.ofNanos(Math.max(left, ONE_SECOND));
    }

    private void opened() {
        opened(clock.nanoTime());
    }

    private void opened(long now) {
        long wait = breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1);
        waitNanos = Duration.ofMillis(wait).toNanos();
        openedAtNanos = now;
        openingSeen = true;
    }
}
