package dev.upstreamguard.benchmarks.support;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamPolicy;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.HttpClientResponseHandler;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The compared clients, all sending the same {@code GET /ok} to the same loopback upstream:
 * <ul>
 *   <li>{@link Raw}: a plain {@code CloseableHttpClient} with the same pool settings Upstream Guard uses;</li>
 *   <li>{@link Guarded}: an {@link Upstream} with the full default policy;</li>
 *   <li>{@link Resilience4j}: the raw client decorated by hand the way resilience4j's documentation shows,
 *       Retry(CircuitBreaker(TimeLimiter(call))), the time limiter running the call on a pool thread;</li>
 *   <li>{@link Resilience4jInline}: the same without the time limiter (the call stays on the caller's thread, so
 *       nothing bounds a slow body);</li>
 *   <li>{@link FailsafeClient}: the raw client inside {@code Failsafe.with(retry, breaker, timeout)}.</li>
 * </ul>
 * Every variant returns the body bytes, so each does the same I/O and the same body read.
 */
public final class Clients {
    static final String PATH = "/ok";
    private static final HttpClientResponseHandler<byte[]> BODY = Clients::body;

    private Clients() {
    }

    /** One client variant. */
    public interface Client extends AutoCloseable {
        byte[] get() throws Exception;

        @Override
        void close();
    }

    private static byte[] body(ClassicHttpResponse response) throws IOException {
        if (response.getCode() >= 500) {
            EntityUtils.consume(response.getEntity());
            throw new IOException("upstream answered " + response.getCode());
        }
        return EntityUtils.toByteArray(response.getEntity());
    }

    /** A pooled client configured like the one Upstream Guard builds (pool size, timeouts, no automatic retry). */
    public static CloseableHttpClient rawHttpClient(int maxConnections) {
        UpstreamPolicy p = UpstreamPolicy.ofDefaults();
        PoolingHttpClientConnectionManager pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(maxConnections)
                .setMaxConnPerRoute(maxConnections)
                .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true)
                        .setSoTimeout(Timeout.of(p.attemptTimeout())).build())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(p.connectTimeout()))
                        .setSocketTimeout(Timeout.of(p.attemptTimeout()))
                        .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                        .build())
                .build();
        return HttpClients.custom()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(Timeout.of(p.poolLeaseTimeout()))
                        .setResponseTimeout(Timeout.of(p.attemptTimeout()))
                        .build())
                .disableAutomaticRetries()
                .disableCookieManagement()
                .build();
    }

    /** The plain client. */
    public static final class Raw implements Client {
        private final CloseableHttpClient client;
        private final HttpHost target;

        public Raw(String baseUri, int maxConnections) {
            this.client = rawHttpClient(maxConnections);
            this.target = HttpHost.create(java.net.URI.create(baseUri));
        }

        @Override
        public byte[] get() throws IOException {
            return client.execute(target, new HttpGet(PATH), BODY);
        }

        @Override
        public void close() {
            client.close(CloseMode.GRACEFUL);
        }
    }

    /** An {@link Upstream} with the default policy (or {@code policy}). */
    public static final class Guarded implements Client {
        private final Upstream upstream;

        public Guarded(String baseUri) {
            this(baseUri, UpstreamPolicy.ofDefaults());
        }

        public Guarded(String baseUri, UpstreamPolicy policy) {
            this.upstream = Upstream.builder("bench").baseUri(baseUri).policy(policy).build();
        }

        public Upstream upstream() {
            return upstream;
        }

        @Override
        public byte[] get() throws IOException {
            return upstream.execute(new HttpGet(PATH)).body();
        }

        @Override
        public void close() {
            upstream.close();
        }
    }

    /** Retry(CircuitBreaker(TimeLimiter(call on a pool thread))), decorated per call as in resilience4j's docs. */
    public static final class Resilience4j implements Client {
        private final Raw raw;
        private final Retry retry;
        private final CircuitBreaker breaker;
        private final TimeLimiter timeLimiter;
        private final ExecutorService pool;

        public Resilience4j(String baseUri, int maxConnections) {
            this.raw = new Raw(baseUri, maxConnections);
            this.retry = Retry.of("r4j", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofMillis(50))
                    .build());
            this.breaker = CircuitBreaker.of("r4j", CircuitBreakerConfig.custom().failureRateThreshold(50)
                    .slidingWindowSize(20).minimumNumberOfCalls(10).waitDurationInOpenState(Duration.ofSeconds(10))
                    .build());
            this.timeLimiter = TimeLimiter.of(TimeLimiterConfig.custom().timeoutDuration(Duration.ofSeconds(3))
                    .cancelRunningFuture(true).build());
            this.pool = Executors.newFixedThreadPool(Math.max(8, maxConnections), r -> {
                Thread t = new Thread(r, "r4j-time-limited");
                t.setDaemon(true);
                return t;
            });
        }

        @Override
        public byte[] get() throws Exception {
            java.util.function.Supplier<Future<byte[]>> call = () -> pool.submit(raw::get);
            return Retry.decorateCallable(retry,
                    CircuitBreaker.decorateCallable(breaker,
                            TimeLimiter.decorateFutureSupplier(timeLimiter, call))).call();
        }

        @Override
        public void close() {
            pool.shutdownNow();
            raw.close();
        }
    }

    /** Retry(CircuitBreaker(call)) on the caller's thread: resilience4j without a time limit. */
    public static final class Resilience4jInline implements Client {
        private final Raw raw;
        private final Retry retry;
        private final CircuitBreaker breaker;

        public Resilience4jInline(String baseUri, int maxConnections) {
            this.raw = new Raw(baseUri, maxConnections);
            this.retry = Retry.of("r4j-inline", RetryConfig.custom().maxAttempts(3)
                    .waitDuration(Duration.ofMillis(50)).build());
            this.breaker = CircuitBreaker.of("r4j-inline", CircuitBreakerConfig.custom().failureRateThreshold(50)
                    .slidingWindowSize(20).minimumNumberOfCalls(10).waitDurationInOpenState(Duration.ofSeconds(10))
                    .build());
        }

        @Override
        public byte[] get() throws Exception {
            return Retry.decorateCallable(retry, CircuitBreaker.decorateCallable(breaker, raw::get)).call();
        }

        @Override
        public void close() {
            raw.close();
        }
    }

    /** {@code Failsafe.with(retryPolicy, circuitBreaker, timeout).get(call)}, as in Failsafe's docs. */
    public static final class FailsafeClient implements Client {
        private final Raw raw;
        private final dev.failsafe.RetryPolicy<byte[]> retry;
        private final dev.failsafe.CircuitBreaker<byte[]> breaker;
        private final dev.failsafe.Timeout<byte[]> timeout;

        public FailsafeClient(String baseUri, int maxConnections) {
            this.raw = new Raw(baseUri, maxConnections);
            this.retry = dev.failsafe.RetryPolicy.<byte[]>builder().withMaxAttempts(3)
                    .withDelay(Duration.ofMillis(50)).build();
            this.breaker = dev.failsafe.CircuitBreaker.<byte[]>builder().withFailureThreshold(10, 20)
                    .withDelay(Duration.ofSeconds(10)).build();
            this.timeout = dev.failsafe.Timeout.<byte[]>builder(Duration.ofSeconds(3)).withInterrupt().build();
        }

        @Override
        public byte[] get() {
            FailsafeExecutor<byte[]> executor = Failsafe.with(retry, breaker, timeout);
            return executor.get(raw::get);
        }

        @Override
        public void close() {
            raw.close();
        }
    }

    /** The variant called {@code name}: raw, upstream, resilience4j, resilience4j-inline, failsafe. */
    public static Client create(String name, String baseUri, int maxConnections) {
        return switch (name) {
            case "raw" -> new Raw(baseUri, maxConnections);
            case "upstream" -> new Guarded(baseUri, maxConnections == UpstreamPolicy.DEFAULT_MAX_CONCURRENT_CALLS
                    ? UpstreamPolicy.ofDefaults()
                    : UpstreamPolicy.builder().maxConcurrentCalls(maxConnections).build());
            case "resilience4j" -> new Resilience4j(baseUri, maxConnections);
            case "resilience4j-inline" -> new Resilience4jInline(baseUri, maxConnections);
            case "failsafe" -> new FailsafeClient(baseUri, maxConnections);
            default -> throw new IllegalArgumentException("unknown client variant " + name);
        };
    }
}
