package dev.upstreamguard.benchmarks.jmh;

import dev.failsafe.Failsafe;
import dev.upstreamguard.benchmarks.support.StubTransport;
import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.core.internal.GuardClientFactory;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The policy in process, around a stub transport (no I/O): what Upstream Guard itself costs per call.
 *
 * <ul>
 *   <li>{@code stub}: the stub exchange alone (request, scope, response, body read): the baseline;</li>
 *   <li>{@code policy}: the same exchange through the whole default policy (deadline, bulkhead, retry budget,
 *       breaker, attempt timeout, body buffering, validation);</li>
 *   <li>{@code policyWithMetrics}: the same with Micrometer metrics on (a {@code SimpleMeterRegistry});</li>
 *   <li>{@code openBreaker}: a call rejected by an open breaker (the exception is returned, not thrown away);</li>
 *   <li>{@code resilience4j} and {@code failsafe}: the stub exchange in Retry + CircuitBreaker as users write it
 *       (no deadline, bulkhead, budget, body buffering or validation: less work than the policy).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class PolicyBenchmark {
    private ScheduledExecutorService scheduler;
    private StubTransport.Guard guard;
    private StubTransport.Guard metered;
    private StubTransport.Guard open;
    private Retry retry;
    private CircuitBreaker breaker;
    private dev.failsafe.RetryPolicy<ClassicHttpResponse> failsafeRetry;
    private dev.failsafe.CircuitBreaker<ClassicHttpResponse> failsafeBreaker;

    /** Per-thread exchange state: each thread is one caller with its own stub transport. */
    @State(Scope.Thread)
    public static class Caller {
        final StubTransport transport = new StubTransport();
    }

    @Setup(Level.Trial)
    public void setUp() {
        scheduler = GuardClientFactory.newScheduler("bench");
        // Bulkhead sized for the scale runs (up to 256 threads); everything else is the default policy.
        UpstreamPolicy policy = UpstreamPolicy.builder().maxConcurrentCalls(512).build();
        guard = StubTransport.guard("bench", policy, null, scheduler);
        metered = StubTransport.guard("metered", policy, new SimpleMeterRegistry(), scheduler);
        CircuitBreakerConfig longOpen = CircuitBreakerConfig.from(policy.circuitBreakerConfig())
                .waitDurationInOpenState(Duration.ofHours(1)).build();
        open = StubTransport.guard("open", UpstreamPolicy.from(policy).circuitBreaker(longOpen).build(), null,
                scheduler);
        open.breaker().transitionToOpenState();
        retry = Retry.of("r4j", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofMillis(50)).build());
        breaker = CircuitBreaker.of("r4j", CircuitBreakerConfig.custom().failureRateThreshold(50)
                .slidingWindowSize(20).minimumNumberOfCalls(10).build());
        failsafeRetry = dev.failsafe.RetryPolicy.<ClassicHttpResponse>builder().withMaxAttempts(3)
                .withDelay(Duration.ofMillis(50)).build();
        failsafeBreaker = dev.failsafe.CircuitBreaker.<ClassicHttpResponse>builder().withFailureThreshold(10, 20)
                .withDelay(Duration.ofSeconds(10)).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        scheduler.shutdownNow();
    }

    @Benchmark
    public int stub(Caller c) throws Exception {
        ClassicHttpRequest request = c.transport.request();
        ExecChain.Scope scope = c.transport.scope(request);
        return c.transport.consume(c.transport.proceed(request, scope));
    }

    @Benchmark
    public int policy(Caller c) throws Exception {
        ClassicHttpRequest request = c.transport.request();
        ExecChain.Scope scope = c.transport.scope(request);
        return c.transport.consume(guard.handler().execute(request, scope, c.transport));
    }

    @Benchmark
    public int policyWithMetrics(Caller c) throws Exception {
        ClassicHttpRequest request = c.transport.request();
        ExecChain.Scope scope = c.transport.scope(request);
        return c.transport.consume(metered.handler().execute(request, scope, c.transport));
    }

    @Benchmark
    public Object openBreaker(Caller c) throws Exception {
        ClassicHttpRequest request = c.transport.request();
        ExecChain.Scope scope = c.transport.scope(request);
        try {
            return open.handler().execute(request, scope, c.transport);
        } catch (UpstreamException rejected) {
            return rejected;
        }
    }

    @Benchmark
    public int resilience4j(Caller c) throws Exception {
        ClassicHttpRequest request = c.transport.request();
        ExecChain.Scope scope = c.transport.scope(request);
        ClassicHttpResponse r = Retry.decorateCallable(retry,
                CircuitBreaker.decorateCallable(breaker, () -> c.transport.proceed(request, scope))).call();
        return c.transport.consume(r);
    }

    @Benchmark
    public int failsafe(Caller c) throws Exception {
        ClassicHttpRequest request = c.transport.request();
        ExecChain.Scope scope = c.transport.scope(request);
        ClassicHttpResponse r = Failsafe.with(failsafeRetry, failsafeBreaker)
                .get(() -> c.transport.proceed(request, scope));
        return c.transport.consume(r);
    }
}
