package dev.upstreamguard.core.retry;

import dev.upstreamguard.core.deadline.NanoClock;
import java.time.Duration;
import java.util.Objects;

/**
 * Caps retries to a share of recent requests, so that retries never multiply the load on a sick upstream.
 *
 * <p>Over a sliding window (default 10 s), retries may be at most {@code ratio} x requests (default 20%) plus a
 * floor of {@code minRetriesPerSecond} x window seconds, the rule Finagle's retry budget uses. With a
 * 100%-failing upstream and the defaults, attempts sent per request settle near 1.2 instead of max-attempts.
 * Thread-safe; one per upstream.
 *
 * <p>Written by hand: resilience4j and Failsafe have no retry budget. The window is a ring of one-second
 * buckets, so memory is constant and each call is a few arithmetic operations under a short lock.
 */
public final class RetryBudget {
    private final double ratio;
    private final double floor;
    private final int buckets;
    private final long bucketNanos;
    private final NanoClock clock;

    private final long[] requests;
    private final long[] retries;
    private long currentBucket;
    private long requestSum;
    private long retrySum;

    RetryBudget(RetryBudgetConfig config, NanoClock clock) {
        Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ratio = config.ratio();
        this.buckets = (int) Math.max(1, config.window().toSeconds());
        this.bucketNanos = config.window().toNanos() / buckets;
        this.floor = config.minRetriesPerSecond() * config.window().toMillis() / 1000.0;
        this.requests = new long[buckets];
        this.retries = new long[buckets];
        this.currentBucket = clock.nanoTime() / bucketNanos;
    }

    /** A budget with {@code config} on {@code clock}. */
    public static RetryBudget of(RetryBudgetConfig config, NanoClock clock) {
        return new RetryBudget(config, clock);
    }

    /** Records one incoming logical request (deposits its share of retries). */
    public void recordRequest() {
        recordRequest(clock.nanoTime());
    }

    /**
     * Records one incoming logical request arriving at {@code nowNanos}, a reading of this budget's clock the
     * caller already has (clock reads cost tens of nanoseconds on virtual machines).
     */
    public synchronized void recordRequest(long nowNanos) {
        advance(nowNanos);
        requests[(int) (currentBucket % buckets)]++;
        requestSum++;
    }

    /** Takes one retry from the budget; returns false (and takes nothing) when the budget is spent. */
    public synchronized boolean tryAcquireRetry() {
        advance();
        if (retrySum + 1 > ratio * requestSum + floor) {
            return false;
        }
        retries[(int) (currentBucket % buckets)]++;
        retrySum++;
        return true;
    }

    /** Retries still allowed now (for metrics and tests). */
    public synchronized double available() {
        advance();
        return Math.max(0, ratio * requestSum + floor - retrySum);
    }

    private void advance() {
        advance(clock.nanoTime());
    }

    private void advance(long nowNanos) {
        long bucket = nowNanos / bucketNanos;
        long steps = bucket - currentBucket;
        if (steps <= 0) {
            return;
        }
        for (long i = 1; i <= Math.min(steps, buckets); i++) {
            int idx = (int) ((currentBucket + i) % buckets);
            requestSum -= requests[idx];
            retrySum -= retries[idx];
            requests[idx] = 0;
            retries[idx] = 0;
        }
        currentBucket = bucket;
    }

    @Override
    public String toString() {
        return "RetryBudget[ratio=" + ratio + ", floor=" + floor + ", window=" + Duration.ofNanos(bucketNanos * buckets) + "]";
    }
}
