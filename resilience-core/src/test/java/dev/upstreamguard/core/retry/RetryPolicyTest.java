package dev.upstreamguard.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void backoffIsFullJitterUnderAnExponentialCap() {
        RetryPolicy p = RetryPolicy.builder().backoff(Duration.ofMillis(100), Duration.ofMillis(300), 2).build();
        assertThat(p.backoffNanos(2, 0.999999)).isBetween(99_000_000L, 100_000_000L);
        assertThat(p.backoffNanos(3, 0.999999)).isBetween(199_000_000L, 200_000_000L);
        assertThat(p.backoffNanos(4, 0.999999)).isBetween(299_000_000L, 300_000_000L); // capped
        assertThat(p.backoffNanos(9, 0.0)).isZero();
        SplittableRandom seeded = new SplittableRandom(42);
        double sum = 0;
        for (int i = 0; i < 10_000; i++) {
            sum += p.backoffNanos(2, seeded.nextDouble());
        }
        assertThat(sum / 10_000).isBetween(48e6, 52e6); // mean of U(0, 100 ms)
    }

    @Test
    void retriesOnlyConfiguredStatuses() {
        RetryPolicy p = RetryPolicy.ofDefaults();
        assertThat(p.retriesStatus(503)).isTrue();
        assertThat(p.retriesStatus(500)).isFalse();
        assertThat(RetryPolicy.builder().retryOnStatuses(500).build().retriesStatus(500)).isTrue();
        assertThatThrownBy(() -> RetryPolicy.builder().retryOnStatuses(404))
                .hasMessage("retryOnStatuses takes 500..599, but got 404");
        assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0)).hasMessage("maxAttempts must be 1..10, but was 0");
    }

    @Test
    void parsesRetryAfterSecondsAndDates() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(RetryAfter.parse("7", now)).isEqualTo(Duration.ofSeconds(7));
        assertThat(RetryAfter.parse("Thu, 01 Jan 2026 00:00:30 GMT", now)).isEqualTo(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse("Wed, 31 Dec 2025 00:00:30 GMT", now)).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse("soon", now)).isNull();
        // Far future values are cut to a year instead of overflowing later arithmetic in nanoseconds.
        assertThat(RetryAfter.parse("Fri, 31 Dec 9999 23:59:59 GMT", now)).isEqualTo(RetryAfter.MAX);
        assertThat(RetryAfter.parse("9999999999", now)).isEqualTo(RetryAfter.MAX);
        assertThat(RetryAfter.parse("-1", now)).isNull();
        assertThat(RetryAfter.parse(null, now)).isNull();
        assertThat(RetryAfter.format(Duration.ofMillis(1200))).isEqualTo("2");
        assertThat(RetryAfter.format(Duration.ZERO)).isEqualTo("1");
    }
}
