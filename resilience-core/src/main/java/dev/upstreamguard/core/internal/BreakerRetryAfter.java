package dev.upstreamguard.core.internal;

import dev.upstreamguard.core.deadline.NanoClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;

/**
 * Tracks when the breaker opened, to tell clients how long until it half-opens (resilience4j keeps that private).
 */
final class BreakerRetryAfter {
    private final NanoClock clock;
    private volatile long openedAtNanos;
    private volatile long waitNanos;

    BreakerRetryAfter(CircuitBreaker breaker, NanoClock clock) {
        this.clock = clock;
        breaker.getEventPublisher().onStateTransition(event -> {
            CircuitBreaker.State to = event.getStateTransition().getToState();
            if (to == CircuitBreaker.State.OPEN) {
                long wait = breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1);
                waitNanos = Duration.ofMillis(wait).toNanos();
                openedAtNanos = clock.nanoTime();
            }
        });
    }

    /** Time until the breaker lets a probe through, at least one second. */
    Duration remaining() {
        long left = waitNanos - (clock.nanoTime() - openedAtNanos);
        return Duration.ofNanos(Math.max(left, Duration.ofSeconds(1).toNanos()));
    }
}
