package dev.upstreamguard.core.deadline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeadlineTest {
    private final AtomicLong now = new AtomicLong(5_000_000_000L);

    @Test
    void remainingShrinksWithTheClockAndNeverGoesNegative() {
        Deadline d = Deadline.after(Duration.ofMillis(100), now::get);
        assertThat(d.remaining()).isEqualTo(Duration.ofMillis(100));
        now.addAndGet(Duration.ofMillis(60).toNanos());
        assertThat(d.remaining()).isEqualTo(Duration.ofMillis(40));
        assertThat(d.isExpired()).isFalse();
        now.addAndGet(Duration.ofMillis(60).toNanos());
        assertThat(d.remainingNanos()).isZero();
        assertThat(d.isExpired()).isTrue();
    }

    @Test
    void shortenToKeepsTheEarlierDeadline() {
        Deadline d = Deadline.after(Duration.ofSeconds(5), now::get);
        assertThat(d.shortenTo(Duration.ofSeconds(10))).isSameAs(d);
        assertThat(d.shortenTo(Duration.ofSeconds(1)).remaining()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void contextScopesNestAndRestore() {
        RequestContext outer = RequestContext.of("a", null, null);
        RequestContext inner = RequestContext.of("b", null, null);
        try (RequestContext.Scope ignored = outer.attach()) {
            try (RequestContext.Scope ignored2 = inner.attach()) {
                assertThat(RequestContext.current()).isSameAs(inner);
            }
            assertThat(RequestContext.current()).isSameAs(outer);
        }
        assertThat(RequestContext.current()).isNull();
    }

    @Test
    void parsesMillisecondAndGrpcDeadlineHeaders() {
        assertThat(DeadlineHeader.parse("X-Request-Timeout-Ms", "1500")).isEqualTo(Duration.ofMillis(1500));
        assertThat(DeadlineHeader.parse("X-Request-Timeout-Ms", " 20 ")).isEqualTo(Duration.ofMillis(20));
        assertThat(DeadlineHeader.parse("X-Request-Timeout-Ms", "-1")).isNull();
        assertThat(DeadlineHeader.parse("X-Request-Timeout-Ms", "1e3")).isNull();
        assertThat(DeadlineHeader.parse("X-Request-Timeout-Ms", "99999999999999999999999")).isNull();
        assertThat(DeadlineHeader.parse("grpc-timeout", "2S")).isEqualTo(Duration.ofSeconds(2));
        assertThat(DeadlineHeader.parse("grpc-timeout", "250m")).isEqualTo(Duration.ofMillis(250));
        assertThat(DeadlineHeader.parse("grpc-timeout", "1H")).isEqualTo(Duration.ofHours(1));
        assertThat(DeadlineHeader.parse("grpc-timeout", "123456789S")).isNull();
        assertThat(DeadlineHeader.parse("grpc-timeout", "5x")).isNull();
        assertThat(DeadlineHeader.format("grpc-timeout", Duration.ofMillis(1500))).isEqualTo("1500m");
        assertThat(DeadlineHeader.format("X-Request-Timeout-Ms", Duration.ofMillis(1500))).isEqualTo("1500");
    }
}
