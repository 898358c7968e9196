package dev.upstreamguard.benchmarks.jmh;

import dev.upstreamguard.servlet.internal.CorrelationIds;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/** A new correlation ID as the filter generates it, and {@code UUID.randomUUID()} for reference. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CorrelationIdBenchmark {
    @Benchmark
    public String generate() {
        return CorrelationIds.generate();
    }

    @Benchmark
    public String randomUuid() {
        return UUID.randomUUID().toString();
    }
}
