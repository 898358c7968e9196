package dev.upstreamguard.benchmarks.jmh;

import dev.upstreamguard.benchmarks.support.StubTransport;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.core.internal.GuardClientFactory;
import dev.upstreamguard.core.internal.GuardExecHandler;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The policy in process, calls spread round-robin over {@code upstreams} independent upstreams (each with its own
 * breaker, bulkhead and budget, one shared timer thread as a gateway would configure): does the per-call cost grow
 * with the number of upstreams?
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class PolicyScaleBenchmark {
    @Param({"1", "10", "100"})
    public int upstreams;

    private ScheduledExecutorService scheduler;
    private GuardExecHandler[] handlers;

    @State(Scope.Thread)
    public static class Caller {
        final StubTransport transport = new StubTransport();
        int next;
    }

    @Setup(Level.Trial)
    public void setUp() {
        scheduler = GuardClientFactory.newScheduler("bench");
        UpstreamPolicy policy = UpstreamPolicy.builder().maxConcurrentCalls(512).build();
        handlers = new GuardExecHandler[upstreams];
        for (int i = 0; i < upstreams; i++) {
            handlers[i] = StubTransport.guard("u" + i, policy, null, scheduler).handler();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        scheduler.shutdownNow();
    }

    @Benchmark
    public int policy(Caller c) throws Exception {
        int i = c.next;
        c.next = i + 1 == handlers.length ? 0 : i + 1;
        ClassicHttpRequest request = c.transport.request();
        ExecChain.Scope scope = c.transport.scope(request);
        return c.transport.consume(handlers[i].execute(request, scope, c.transport));
    }
}
