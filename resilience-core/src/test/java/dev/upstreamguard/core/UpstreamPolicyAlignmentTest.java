package dev.upstreamguard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class UpstreamPolicyAlignmentTest {

    @Test
    void defaultPolicyIsAligned() {
        UpstreamPolicy p = UpstreamPolicy.ofDefaults();
        assertThat(p.connectTimeout()).isLessThanOrEqualTo(p.attemptTimeout());
        assertThat(p.attemptTimeout()).isLessThanOrEqualTo(p.requestTimeout());
        assertThat(p.circuitBreakerConfig().getSlowCallDurationThreshold()).isEqualTo(p.attemptTimeout());
    }

    @Test
    void rejectsConnectTimeoutLongerThanAttemptTimeout() {
        assertThatThrownBy(() -> UpstreamPolicy.builder()
                .connectTimeout(Duration.ofSeconds(2)).attemptTimeout(Duration.ofSeconds(1)).build())
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessageContaining("connectTimeout (2s) must be <= attemptTimeout (1s)")
                .hasMessageContaining("lower connectTimeout");
    }

    @Test
    void rejectsAttemptTimeoutLongerThanRequestTimeout() {
        assertThatThrownBy(() -> UpstreamPolicy.builder()
                .attemptTimeout(Duration.ofSeconds(5)).requestTimeout(Duration.ofSeconds(4)).build())
                .hasMessageContaining("attemptTimeout (5s) must be <= requestTimeout (4s)");
    }

    @Test
    void rejectsPoolLeaseLongerThanAttempt() {
        assertThatThrownBy(() -> UpstreamPolicy.builder()
                .attemptTimeout(Duration.ofMillis(800)).connectTimeout(Duration.ofMillis(500))
                .poolLeaseTimeout(Duration.ofSeconds(1)).build())
                .hasMessageContaining("poolLeaseTimeout (1s) must be <= attemptTimeout (800ms)");
    }

    @Test
    void rejectsRequestDeadlineThatOutlivesTheFrontProxy() {
        InvalidPolicyException e = (InvalidPolicyException) catchInvalid(UpstreamPolicy.builder()
                .requestTimeout(Duration.ofSeconds(60)).frontProxyTimeout(Duration.ofSeconds(60)));
        assertThat(e.violations()).singleElement().satisfies(v -> {
            assertThat(v.setting()).isEqualTo("requestTimeout");
            assertThat(v.value()).isEqualTo("1m");
            assertThat(v.message()).contains("frontProxyTimeout (1m)").contains("lower requestTimeout to at most 58999ms")
                    .contains("proxy_read_timeout");
        });
    }

    @Test
    void acceptsRequestDeadlineWithMarginBelowTheFrontProxy() {
        UpstreamPolicy p = UpstreamPolicy.builder().requestTimeout(Duration.ofSeconds(58))
                .frontProxyTimeout(Duration.ofSeconds(60)).build();
        assertThat(p.frontProxyTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void rejectsIdleTimeoutThatTiesTheUpstreamKeepAlive() {
        assertThatThrownBy(() -> UpstreamPolicy.builder()
                .idleTimeout(Duration.ofSeconds(5)).upstreamKeepAlive(Duration.ofSeconds(5)).build())
                .hasMessageContaining("idleTimeout (5s) must be <= upstreamKeepAlive (5s) - keepAliveMargin (1s)")
                .hasMessageContaining("lower idleTimeout to at most 4s");
    }

    @Test
    void rejectsSlowCallThresholdAboveAttemptTimeout() {
        CircuitBreakerConfig cb = CircuitBreakerConfig.custom().slowCallDurationThreshold(Duration.ofSeconds(60)).build();
        assertThatThrownBy(() -> UpstreamPolicy.builder().circuitBreaker(cb).build())
                .hasMessageContaining("slowCallDurationThreshold (1m) must be <= attemptTimeout (3s)");
    }

    @Test
    void rejectsTimeBasedBreakerWindowShorterThanTwoAttempts() {
        CircuitBreakerConfig cb = CircuitBreakerConfig.custom()
                .slidingWindow(5, 5, CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
                .slowCallDurationThreshold(Duration.ofSeconds(3)).build();
        assertThatThrownBy(() -> UpstreamPolicy.builder().circuitBreaker(cb).build())
                .hasMessageContaining("time-based sliding window (5s) must be >= 2 x attemptTimeout (6s)");
    }

    @Test
    void listsEveryViolationAtOnce() {
        InvalidPolicyException e = (InvalidPolicyException) catchInvalid(UpstreamPolicy.builder()
                .connectTimeout(Duration.ofSeconds(4)).poolLeaseTimeout(Duration.ofSeconds(4))
                .idleTimeout(Duration.ofSeconds(60)).upstreamKeepAlive(Duration.ofSeconds(5)));
        assertThat(e.violations()).extracting(PolicyViolation::setting)
                .containsExactly("connectTimeout", "poolLeaseTimeout", "idleTimeout");
        assertThat(e.getMessage()).startsWith("Upstream policy is misaligned (3 problems):");
    }

    @Test
    void defaultBreakerFollowsALoweredAttemptTimeoutWhenCopied() {
        UpstreamPolicy base = UpstreamPolicy.ofDefaults();
        UpstreamPolicy lower = UpstreamPolicy.from(base).attemptTimeout(Duration.ofSeconds(1)).build();
        assertThat(lower.circuitBreakerConfig().getSlowCallDurationThreshold()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void rejectsNonPositiveDurationsWithTheValue() {
        assertThatThrownBy(() -> UpstreamPolicy.builder().attemptTimeout(Duration.ofMillis(-5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("attemptTimeout must be > 0, but was PT-0.005S");
        assertThatThrownBy(() -> UpstreamPolicy.builder().maxConcurrentCalls(0))
                .hasMessage("maxConcurrentCalls must be 1..10000, but was 0");
        assertThatThrownBy(() -> UpstreamPolicy.builder().deadlineHeader("Bad Header"))
                .hasMessageContaining("must be an HTTP header name");
    }

    private static RuntimeException catchInvalid(UpstreamPolicy.Builder b) {
        try {
            b.build();
        } catch (InvalidPolicyException e) {
            return e;
        }
        throw new AssertionError("expected InvalidPolicyException");
    }
}
