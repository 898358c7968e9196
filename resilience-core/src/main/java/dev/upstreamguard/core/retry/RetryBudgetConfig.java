package dev.upstreamguard.core.retry;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link RetryBudget}: retries allowed as a share of requests over a window, plus a floor.
 *
 * @param ratio               retries allowed per request in the window, 0..1 (default 0.2)
 * @param minRetriesPerSecond a floor of retries per second, so that low traffic can still retry (default 1)
 * @param window              the sliding window, whole seconds from 1 s to 10 min (default 10 s)
 */
public record RetryBudgetConfig(double ratio, double minRetriesPerSecond, Duration window) {
    /** Default share of requests that may be retried. */
    public static final double DEFAULT_RATIO = 0.2;
    /** Default floor of retries per second. */
    public static final double DEFAULT_MIN_RETRIES_PER_SECOND = 1.0;
    /** Default window. */
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(10);

    /** Validates the settings. */
    public RetryBudgetConfig {
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException("retry budget ratio must be between 0 and 1, but was " + ratio);
        }
        if (!(minRetriesPerSecond >= 0) || Double.isInfinite(minRetriesPerSecond)) {
            throw new IllegalArgumentException(
                    "retry budget minRetriesPerSecond must be >= 0, but was " + minRetriesPerSecond);
        }
        Objects.requireNonNull(window, "window");
        if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("retry budget window must be 1s..10m, but was " + window);
        }
    }

    /** The defaults: 20% of requests plus 1 retry per second, over 10 seconds. */
    public static RetryBudgetConfig ofDefaults() {
        return new RetryBudgetConfig(DEFAULT_RATIO, DEFAULT_MIN_RETRIES_PER_SECOND, DEFAULT_WINDOW);
    }

    /** A budget that never refuses a retry (max-attempts alone limits them). */
    public static RetryBudgetConfig unlimited() {
        return new RetryBudgetConfig(1.0, 1_000_000, DEFAULT_WINDOW);
    }
}
