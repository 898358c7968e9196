package dev.upstreamguard.core.retry;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * When and how often an upstream call is retried. Immutable; build with {@link #builder()}.
 *
 * <p>Rules, in order: a failure where nothing was sent (connection refused or timed out) is always retried; other
 * failures are retried only for idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE, TRACE), requests with an
 * {@code Idempotency-Key} header, or requests the caller marked retry-safe. Waits are exponential backoff with full
 * jitter, or the upstream's {@code Retry-After} when it fits the deadline. A {@link RetryBudget} caps retries to a
 * share of recent requests.
 */
public final class RetryPolicy {
    /** Default attempts in all, the first included. */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    /** Default cap of the first backoff. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(50);
    /** Default cap of any backoff. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(1);
    /** Default growth of the backoff cap per attempt. */
    public static final double DEFAULT_MULTIPLIER = 2.0;
    /** Upstream statuses retried by default. */
    static final int[] DEFAULT_RETRY_ON_STATUSES = {502, 503, 504};

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final double multiplier;
    private final int[] retryOnStatuses;
    private final boolean honorRetryAfter;
    private final RetryBudgetConfig budget;

    private RetryPolicy(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.multiplier = b.multiplier;
        this.retryOnStatuses = b.retryOnStatuses.clone();
        this.honorRetryAfter = b.honorRetryAfter;
        this.budget = b.budget;
    }

    /** The defaults: 3 attempts, backoff 50 ms doubling to 1 s with full jitter, 502/503/504, default budget. */
    public static RetryPolicy ofDefaults() {
        return builder().build();
    }

    /** No retries: one attempt. */
    public static RetryPolicy none() {
        return builder().maxAttempts(1).build();
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from {@code base}. */
    public static Builder from(RetryPolicy base) {
        return new Builder()
                .maxAttempts(base.maxAttempts)
                .backoff(base.initialBackoff, base.maxBackoff, base.multiplier)
                .retryOnStatuses(base.retryOnStatuses)
                .honorRetryAfter(base.honorRetryAfter)
                .budget(base.budget);
    }

    /** Attempts in all, the first included (1 = no retry). */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** Cap of the first backoff. */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** Cap of any backoff. */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** Growth of the backoff cap per attempt. */
    public double multiplier() {
        return multiplier;
    }

    /** Whether an upstream answer with {@code status} is retried (for retry-safe requests). */
    public boolean retriesStatus(int status) {
        for (int s : retryOnStatuses) {
            if (s == status) {
                return true;
            }
        }
        return false;
    }

    /** Whether the upstream's {@code Retry-After} replaces the backoff when it fits the deadline. */
    public boolean honorRetryAfter() {
        return honorRetryAfter;
    }

    /** The retry budget's settings. */
    public RetryBudgetConfig budget() {
        return budget;
    }

    /**
     * The backoff before attempt {@code nextAttempt} (2 = first retry): a uniformly random wait between zero and
     * {@code min(maxBackoff, initialBackoff * multiplier^(nextAttempt - 2))} ("full jitter").
     *
     * @param nextAttempt the attempt about to be made, >= 2
     * @param random01    a uniform random number in [0, 1)
     */
    public long backoffNanos(int nextAttempt, double random01) {
        double cap = initialBackoff.toNanos() * Math.pow(multiplier, Math.max(0, nextAttempt - 2));
        double bounded = Math.min(cap, maxBackoff.toNanos());
        return (long) (bounded * random01);
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxAttempts=" + maxAttempts + ", backoff=" + initialBackoff + ".." + maxBackoff
                + " x" + multiplier + ", retryOnStatuses=" + Arrays.toString(retryOnStatuses)
                + ", honorRetryAfter=" + honorRetryAfter + ", budget=" + budget + "]";
    }

    /** Builds a {@link RetryPolicy}. Not thread-safe; reusable. */
    public static final class Builder {
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private double multiplier = DEFAULT_MULTIPLIER;
        private int[] retryOnStatuses = DEFAULT_RETRY_ON_STATUSES;
        private boolean honorRetryAfter = true;
        private RetryBudgetConfig budget = RetryBudgetConfig.ofDefaults();

        private Builder() {
        }

        /** Attempts in all, 1..10 (default 3). */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1 || maxAttempts > 10) {
                throw new IllegalArgumentException("maxAttempts must be 1..10, but was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** Exponential backoff: first cap, largest cap, growth per attempt (>= 1). */
        public Builder backoff(Duration initial, Duration max, double multiplier) {
            Objects.requireNonNull(initial, "initial");
            Objects.requireNonNull(max, "max");
            if (initial.isNegative() || max.isNegative()) {
                throw new IllegalArgumentException("backoff must not be negative, but was " + initial + ".." + max);
            }
            if (initial.compareTo(max) > 0) {
                throw new IllegalArgumentException("initial backoff " + initial + " must be <= max backoff " + max);
            }
            if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("backoff multiplier must be >= 1, but was " + multiplier);
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            this.multiplier = multiplier;
            return this;
        }

        /** Upstream statuses (500..599) that are retried for retry-safe requests (default 502, 503, 504). */
        public Builder retryOnStatuses(int... statuses) {
            for (int s : statuses) {
                if (s < 500 || s > 599) {
                    throw new IllegalArgumentException("retryOnStatuses takes 500..599, but got " + s);
                }
            }
            this.retryOnStatuses = statuses.clone();
            return this;
        }

        /** Whether to wait for the upstream's {@code Retry-After} when it fits the deadline (default true). */
        public Builder honorRetryAfter(boolean honorRetryAfter) {
            this.honorRetryAfter = honorRetryAfter;
            return this;
        }

        /** The retry budget (default 20% of requests + 1/s over 10 s). */
        public Builder budget(RetryBudgetConfig budget) {
            this.budget = Objects.requireNonNull(budget, "budget");
            return this;
        }

        /** The policy. */
        public RetryPolicy build() {
            return new RetryPolicy(this);
        }
    }
}
