package dev.upstreamguard.benchmarks.jmh;

import dev.upstreamguard.benchmarks.support.Clients;
import dev.upstreamguard.benchmarks.support.LoopbackUpstream;
import java.util.concurrent.TimeUnit;
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
 * One GET over loopback to an embedded Jetty upstream on a kept-alive connection, through each client variant of
 * {@link Clients}. Sample mode: every sampled call's latency, so p50 and p99 come from the same run.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class ClientOverheadBenchmark {
    @Param({"raw", "upstream", "resilience4j", "resilience4j-inline", "failsafe"})
    public String client;

    private LoopbackUpstream server;
    private Clients.Client c;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        server = LoopbackUpstream.healthy();
        c = Clients.create(client, server.baseUri(), 64);
        c.get();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        c.close();
        server.close();
    }

    @Benchmark
    public byte[] get() throws Exception {
        return c.get();
    }
}
