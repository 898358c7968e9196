package dev.upstreamguard.benchmarks.support;

import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.core.deadline.NanoClock;
import dev.upstreamguard.core.internal.FailureReport;
import dev.upstreamguard.core.internal.GuardExecHandler;
import dev.upstreamguard.core.metrics.UpstreamMetrics;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.hc.client5.http.EndpointInfo;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecRuntime;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.concurrent.CancellableDependency;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.http.message.BasicClassicHttpResponse;
import org.apache.hc.core5.util.TimeValue;

/**
 * An in-process stand-in for HttpClient's transport: an exec chain that answers every request with the same
 * 200 response and a two-byte body, without I/O and without allocating. One per thread.
 */
public final class StubTransport implements ExecChain {
    private static final Header[] NO_HEADERS = new Header[0];
    private static final HttpHost HOST = new HttpHost("http", "127.0.0.1", 8080);
    private static final HttpRoute ROUTE = new HttpRoute(HOST);

    private final ReusableBody body = new ReusableBody("ok".getBytes(StandardCharsets.US_ASCII));
    private final BasicClassicHttpResponse response = new BasicClassicHttpResponse(200, "OK");
    private final BasicClassicHttpRequest request = new BasicClassicHttpRequest("GET", HOST, "/ok");
    private final StubRuntime runtime = new StubRuntime();
    private final byte[] sink = new byte[256];

    public StubTransport() {
        response.addHeader("Content-Type", "text/plain;charset=utf-8");
        response.addHeader("Content-Length", "2");
        response.setEntity(body);
    }

    @Override
    public ClassicHttpResponse proceed(ClassicHttpRequest req, ExecChain.Scope scope) {
        body.rewind();
        return response;
    }

    /**
     * The request for the next call, as HttpClient hands it to its exec chain: a GET without headers (the
     * request object is reused, its headers cleared).
     */
    public ClassicHttpRequest request() {
        request.setHeaders(NO_HEADERS);
        return request;
    }

    /** A fresh scope, as HttpClient creates one per call (a new context each time). */
    public ExecChain.Scope scope(ClassicHttpRequest req) {
        return new ExecChain.Scope("ex", ROUTE, req, runtime, HttpClientContext.create());
    }

    /** Reads the body of {@code r} into a reused buffer and closes it: what a caller does with a response. */
    public int consume(ClassicHttpResponse r) throws IOException {
        int total = 0;
        HttpEntity e = r.getEntity();
        if (e != null) {
            try (InputStream in = e.getContent()) {
                for (int n; (n = in.read(sink)) != -1; ) {
                    total += n;
                }
            }
        }
        r.close();
        return total;
    }

    /**
     * The policy element of an {@code Upstream} built like {@code Upstream.builder(name).policy(policy).build()}
     * does (private breaker registry, bulkhead without wait, stackless rejections), on {@code scheduler}.
     */
    public static Guard guard(String name, UpstreamPolicy policy, MeterRegistry registry,
            ScheduledExecutorService scheduler) {
        UpstreamMetrics metrics = registry == null ? UpstreamMetrics.NOOP : UpstreamMetrics.micrometer(registry);
        CircuitBreaker breaker = policy.circuitBreakerConfig() == null ? null
                : CircuitBreakerRegistry.ofDefaults().circuitBreaker(name, policy.circuitBreakerConfig());
        Bulkhead bulkhead = Bulkhead.of(name, BulkheadConfig.custom()
                .maxConcurrentCalls(policy.maxConcurrentCalls())
                .maxWaitDuration(Duration.ZERO)
                .writableStackTraceEnabled(false)
                .build());
        if (breaker != null) {
            metrics.breakerState(name, () -> breaker.getState().getOrder());
        }
        FailureReport report = new FailureReport(policy, metrics);
        GuardExecHandler handler = new GuardExecHandler(name, policy, breaker, bulkhead, metrics, scheduler,
                NanoClock.SYSTEM, () -> ThreadLocalRandom.current().nextDouble(), report);
        return new Guard(handler, breaker);
    }

    /** A policy element and its breaker. */
    public record Guard(GuardExecHandler handler, CircuitBreaker breaker) {
    }

    /** A body that can be read again after {@link #rewind()}; its stream is reused. */
    static final class ReusableBody implements HttpEntity {
        private final byte[] bytes;
        private final Stream stream = new Stream();

        ReusableBody(byte[] bytes) {
            this.bytes = bytes;
        }

        void rewind() {
            stream.pos = 0;
        }

        @Override
        public boolean isRepeatable() {
            return true;
        }

        @Override
        public InputStream getContent() {
            return stream;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            out.write(bytes);
        }

        @Override
        public boolean isStreaming() {
            return false;
        }

        @Override
        public org.apache.hc.core5.function.Supplier<java.util.List<? extends Header>> getTrailers() {
            return null;
        }

        @Override
        public void close() {
        }

        @Override
        public long getContentLength() {
            return bytes.length;
        }

        @Override
        public String getContentType() {
            return "text/plain;charset=utf-8";
        }

        @Override
        public String getContentEncoding() {
            return null;
        }

        @Override
        public boolean isChunked() {
            return false;
        }

        @Override
        public Set<String> getTrailerNames() {
            return Set.of();
        }

        final class Stream extends InputStream {
            int pos;

            @Override
            public int read() {
                return pos < bytes.length ? bytes[pos++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (len == 0) {
                    return 0;
                }
                int n = Math.min(len, bytes.length - pos);
                if (n <= 0) {
                    return -1;
                }
                System.arraycopy(bytes, pos, b, off, n);
                pos += n;
                return n;
            }

            @Override
            public int available() {
                return bytes.length - pos;
            }

            @Override
            public void close() {
            }
        }
    }

    /** An exec runtime with nothing behind it. */
    static final class StubRuntime implements ExecRuntime {
        @Override
        public boolean isExecutionAborted() {
            return false;
        }

        @Override
        public boolean isEndpointAcquired() {
            return false;
        }

        @Override
        public void acquireEndpoint(String id, HttpRoute route, Object state, HttpClientContext context) {
        }

        @Override
        public void releaseEndpoint() {
        }

        @Override
        public void discardEndpoint() {
        }

        @Override
        public boolean isEndpointConnected() {
            return false;
        }

        @Override
        public void disconnectEndpoint() {
        }

        @Override
        public void connectEndpoint(HttpClientContext context) {
        }

        @Override
        public void upgradeTls(HttpClientContext context) {
        }

        @Override
        public EndpointInfo getEndpointInfo() {
            return null;
        }

        @Override
        public ClassicHttpResponse execute(String id, ClassicHttpRequest request, HttpClientContext context) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isConnectionReusable() {
            return true;
        }

        @Override
        public void markConnectionReusable(Object state, TimeValue validDuration) {
        }

        @Override
        public void markConnectionNonReusable() {
        }

        @Override
        public ExecRuntime fork(CancellableDependency cancellableDependency) {
            return this;
        }
    }
}
