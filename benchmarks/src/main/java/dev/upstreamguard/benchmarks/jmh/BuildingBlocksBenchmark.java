package dev.upstreamguard.benchmarks.jmh;

import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.core.deadline.NanoClock;
import dev.upstreamguard.core.retry.RetryBudget;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The steps every call of the policy takes, alone: where the policy's nanoseconds go. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class BuildingBlocksBenchmark {
    private CircuitBreaker breaker;
    private CircuitBreaker openBreaker;
    private Bulkhead bulkhead;
    private RetryBudget budget;
    private long callStart;

    @Setup(Level.Trial)
    public void setUp() {
        UpstreamPolicy policy = UpstreamPolicy.ofDefaults();
        breaker = CircuitBreaker.of("blocks", policy.circuitBreakerConfig());
        openBreaker = CircuitBreaker.of("open", io.github.resilience4j.circuitbreaker.CircuitBreakerConfig
                .from(policy.circuitBreakerConfig()).waitDurationInOpenState(Duration.ofHours(1)).build());
        openBreaker.transitionToOpenState();
        bulkhead = Bulkhead.of("blocks", BulkheadConfig.custom().maxConcurrentCalls(512)
                .maxWaitDuration(Duration.ZERO).writableStackTraceEnabled(false).build());
        budget = RetryBudget.of(policy.retry().budget(), NanoClock.SYSTEM);
        callStart = System.nanoTime();
    }

    /** One read of the monotonic clock (the policy reads it twice per call). */
    @Benchmark
    public long clockRead() {
        return System.nanoTime();
    }

    /** The retry budget's per-call deposit, under its lock, given the clock reading the call already made. */
    @Benchmark
    public void retryBudgetDeposit() {
        budget.recordRequest(callStart);
    }

    /** resilience4j's breaker on a successful call: permission, then the outcome into its sliding window. */
    @Benchmark
    public void breakerPermitAndSuccess() {
        if (breaker.tryAcquirePermission()) {
            breaker.onSuccess(50_000, TimeUnit.NANOSECONDS);
        }
    }

    /** The stackless exception a rejection throws, built as the policy builds it (its message only when read). */
    @Benchmark
    public UpstreamException rejectionException() {
        return UpstreamException.builder("blocks", FailureKind.CIRCUIT_OPEN)
                .details("circuit breaker open")
                .attempts(0)
                .elapsed(Duration.ofNanos(System.nanoTime() & 0xffff))
                .retryAfter(Duration.ofSeconds(7))
                .captureStackTrace(false)
                .build();
    }

    /** resilience4j's breaker when open: the refused permission (it reads the wall clock into an Instant). */
    @Benchmark
    public boolean openBreakerRefusal() {
        return openBreaker.tryAcquirePermission();
    }

    /** resilience4j's semaphore bulkhead: a permit taken and returned. */
    @Benchmark
    public void bulkheadPermit() {
        if (bulkhead.tryAcquirePermission()) {
            bulkhead.onComplete();
        }
    }
}
