package dev.upstreamguard.benchmarks.jmh;

import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.servlet.UpstreamGuardConfig;
import dev.upstreamguard.servlet.internal.ErrorTemplates;
import dev.upstreamguard.servlet.internal.ErrorViews;
import dev.upstreamguard.servlet.internal.HtmlErrorRenderer;
import dev.upstreamguard.servlet.internal.PlainTextRenderer;
import dev.upstreamguard.servlet.internal.ProblemJsonRenderer;
import dev.upstreamguard.servlet.spi.ErrorView;
import java.nio.charset.StandardCharsets;
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

/**
 * Rendering an error response body from an {@link UpstreamException} (an open breaker's 503 with Retry-After):
 * the view, then each representation as UTF-8 bytes, with the filter's default configuration.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class ErrorRenderBenchmark {
    private ErrorViews views;
    private HtmlErrorRenderer html;
    private ProblemJsonRenderer json;
    private PlainTextRenderer text;
    private UpstreamException failure;

    @Setup(Level.Trial)
    public void setUp() {
        UpstreamGuardConfig config = UpstreamGuardConfig.builder().siteName("Example Shop").build();
        views = new ErrorViews(config);
        html = new HtmlErrorRenderer(ErrorTemplates.load(config.templateLocations(),
                ErrorRenderBenchmark.class.getClassLoader()));
        json = new ProblemJsonRenderer(config.problemTypeBase());
        text = new PlainTextRenderer();
        failure = UpstreamException.builder("billing", FailureKind.CIRCUIT_OPEN)
                .details("circuit breaker open").retryAfter(Duration.ofSeconds(7)).captureStackTrace(false).build();
    }

    private ErrorView view() {
        return views.of(failure, "4bf92f3577b34da6a3ce929d0e0e4736", "/checkout/cart");
    }

    @Benchmark
    public ErrorView viewOnly() {
        return view();
    }

    @Benchmark
    public byte[] html() {
        return html.render(view()).getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public byte[] problemJson() {
        return json.render(view()).getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public byte[] plainText() {
        return text.render(view()).getBytes(StandardCharsets.UTF_8);
    }
}
