package dev.upstreamguard.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);

    @Test
    void allowsRetriesUpToTheRatioOfRecentRequests() {
        RetryBudget budget = RetryBudget.of(new RetryBudgetConfig(0.2, 0, Duration.ofSeconds(10)), now::get);
        for (int i = 0; i < 100; i++) {
            budget.recordRequest();
        }
        int granted = 0;
        while (budget.tryAcquireRetry()) {
            granted++;
        }
        assertThat(granted).isEqualTo(20);
    }

    @Test
    void floorAllowsRetriesWithoutTraffic() {
        RetryBudget budget = RetryBudget.of(new RetryBudgetConfig(0.2, 1, Duration.ofSeconds(10)), now::get);
        int granted = 0;
        while (budget.tryAcquireRetry()) {
            granted++;
        }
        assertThat(granted).isEqualTo(10);
    }

    @Test
    void forgetsRequestsAndRetriesOutsideTheWindow() {
        RetryBudget budget = RetryBudget.of(new RetryBudgetConfig(0.5, 0, Duration.ofSeconds(2)), now::get);
        for (int i = 0; i < 10; i++) {
            budget.recordRequest();
        }
        assertThat(budget.available()).isEqualTo(5.0);
        for (int i = 0; i < 5; i++) {
            assertThat(budget.tryAcquireRetry()).isTrue();
        }
        assertThat(budget.tryAcquireRetry()).isFalse();
        now.addAndGet(Duration.ofSeconds(3).toNanos());
        assertThat(budget.available()).isZero();
        budget.recordRequest();
        budget.recordRequest();
        assertThat(budget.tryAcquireRetry()).isTrue();
        assertThat(budget.tryAcquireRetry()).isFalse();
    }

    @Test
    void keepsAttemptsPerRequestNearOnePointTwoWhenEverythingFails() {
        RetryBudget budget = RetryBudget.of(RetryBudgetConfig.ofDefaults(), now::get);
        int requests = 0;
        int attempts = 0;
        // 100 requests per second for 30 s, each wanting 2 retries.
        for (int second = 0; second < 30; second++) {
            for (int i = 0; i < 100; i++) {
                requests++;
                attempts++;
                budget.recordRequest();
                for (int r = 0; r < 2 && budget.tryAcquireRetry(); r++) {
                    attempts++;
                }
                now.addAndGet(10_000_000L);
            }
        }
        assertThat((double) attempts / requests).isBetween(1.19, 1.22);
    }

    @Test
    void rejectsInvalidSettingsWithTheValue() {
        assertThatThrownBy(() -> new RetryBudgetConfig(1.5, 1, Duration.ofSeconds(10)))
                .hasMessage("retry budget ratio must be between 0 and 1, but was 1.5");
        assertThatThrownBy(() -> new RetryBudgetConfig(0.2, -1, Duration.ofSeconds(10)))
                .hasMessageContaining("but was -1.0");
        assertThatThrownBy(() -> new RetryBudgetConfig(0.2, 1, Duration.ofMillis(10)))
                .hasMessageContaining("1s..10m");
    }
}
