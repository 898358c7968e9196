package dev.upstreamguard.core;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.core.deadline.NanoClock;
import dev.upstreamguard.core.internal.BufferedEntity;
import dev.upstreamguard.core.internal.FailureReport;
import dev.upstreamguard.core.internal.ConnectionAddresses;
import dev.upstreamguard.core.internal.GuardClientFactory;
import dev.upstreamguard.core.internal.GuardExecHandler;
import dev.upstreamguard.core.metrics.UpstreamMetrics;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolStats;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;

/**
 * One named upstream service: a base URI and an {@link UpstreamPolicy}, with its own connection pool, circuit
 * breaker, bulkhead and retry budget. Thread-safe; create one per upstream and {@link #close()} it on shutdown.
 *
 * <pre>{@code
 * Upstream users = Upstream.builder("users")
 *         .baseUri("http://users.internal:8080")
 *         .policy(UpstreamPolicy.builder().attemptTimeout(Duration.ofSeconds(1)).build())
 *         .build();
 * UpstreamResponse r = users.execute(ClassicRequestBuilder.get("/users/42").build());
 * }</pre>
 *
 * <p>{@link #execute(ClassicHttpRequest)} returns a complete, validated response or throws
 * {@link UpstreamException}; {@link #stream(ClassicHttpRequest)} returns the validated head with the body as a
 * stream, for bodies too large or too long-lived to buffer. Code that already uses {@code CloseableHttpClient} calls {@link #httpClient()}
 * instead: the same policy runs inside that client's exec chain, and HttpClient's own automatic retries are
 * disabled so that the policy is the only retry layer.
 */
public final class Upstream implements Closeable {
    private final String name;
    private final URI baseUri;
    private final HttpHost target;
    private final UpstreamPolicy policy;
    private final CircuitBreaker circuitBreaker;
    private final FailureReport report;
    private final CloseableHttpClient client;
    private final PoolingHttpClientConnectionManager pool;
    private final ConnectionAddresses connectionAddresses;
    private final ScheduledExecutorService ownScheduler;
    private final Runnable unpublishPool;

    private Upstream(Builder b) {
        this.name = b.name;
        this.baseUri = b.baseUri;
        this.target = b.baseUri == null ? null : HttpHost.create(b.baseUri);
        this.policy = b.policy;
        UpstreamMetrics metrics = b.meterRegistry == null ? UpstreamMetrics.NOOP : UpstreamMetrics.micrometer(b.meterRegistry);
        this.circuitBreaker = policy.circuitBreakerConfig() == null ? null
                : (b.circuitBreakerRegistry != null ? b.circuitBreakerRegistry : CircuitBreakerRegistry.ofDefaults())
                        .circuitBreaker(name, policy.circuitBreakerConfig());
        BulkheadConfig bulkheadConfig = BulkheadConfig.custom()
                .maxConcurrentCalls(policy.maxConcurrentCalls())
                .maxWaitDuration(Duration.ZERO)
                .writableStackTraceEnabled(false)
                .build();
        Bulkhead bulkhead = b.bulkheadRegistry != null
                ? b.bulkheadRegistry.bulkhead(name, bulkheadConfig)
                : Bulkhead.of(name, bulkheadConfig);
        if (circuitBreaker != null) {
            CircuitBreaker cb = circuitBreaker;
            metrics.breakerState(name, () -> switch (cb.getState()) {
                case CLOSED -> 0;
                case OPEN -> 1;
                case HALF_OPEN -> 2;
                default -> 3;
            });
        }
        this.ownScheduler = b.scheduler == null ? GuardClientFactory.newScheduler(name) : null;
        ScheduledExecutorService scheduler = b.scheduler != null ? b.scheduler : ownScheduler;
        this.report = new FailureReport(policy, metrics);
        GuardExecHandler handler = new GuardExecHandler(name, policy, circuitBreaker, bulkhead, metrics, scheduler,
                b.clock, b.random, report);
        GuardClientFactory.GuardClient built = GuardClientFactory.build(policy, handler, b.sslContext,
                b.dnsResolver, b.clientCustomizer);
        this.client = built.client();
        this.pool = built.pool();
        this.connectionAddresses = built.addresses();
        this.unpublishPool = metrics.connectionPool(name, pool);
    }

    /** Starts building the upstream called {@code name} (a logical name for logs, metrics and error pages). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * Sends {@code request} under the policy. A request without scheme and host is sent to the base URI, with
     * the base URI's path prefixed.
     *
     * @return the complete, validated response
     * @throws UpstreamException when the call failed or was rejected
     */
    public UpstreamResponse execute(ClassicHttpRequest request) throws UpstreamException {
        return execute(request, false);
    }

    /**
     * Like {@link #execute(ClassicHttpRequest)}; {@code retrySafe} declares that sending a non-idempotent request
     * twice is harmless (the upstream deduplicates it), so it may be retried like a GET.
     */
    public UpstreamResponse execute(ClassicHttpRequest request, boolean retrySafe) throws UpstreamException {
        Objects.requireNonNull(request, "request");
        HttpClientContext context = HttpClientContext.create();
        if (policy.streamResponses()) {
            streamResponse(context, false); // execute() always buffers
        }
        if (retrySafe) {
            markRetrySafe(context);
        }
        HttpHost host = target(request);
        try (var response = client.executeOpen(host, withBasePath(request), context)) {
            HttpEntity entity = response.getEntity();
            byte[] body = entity == null ? new byte[0]
                    : entity instanceof BufferedEntity buffered ? buffered.body() // read by the guard: no copy
                    : EntityUtils.toByteArray(entity);
            Object attempts = context.getAttribute(GuardExecHandler.ATTEMPTS_ATTRIBUTE);
            return new UpstreamResponse(response.getCode(), response.getHeaders(), body,
                    attempts instanceof Integer n ? n : 1);
        } catch (UpstreamException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw UpstreamException.builder(name, FailureKind.CONFIGURATION_ERROR)
                    .details("request could not be sent").cause(e).build();
        }
    }

    /**
     * Sends {@code request} under the policy and returns as soon as the response head arrived and passed
     * validation (status, content type), leaving the body to be read as it arrives: for downloads, exports,
     * server-sent events and streamed JSON. Retries, the breaker and the attempt timeout work as for
     * {@link #execute(ClassicHttpRequest)} up to the head; after that nothing is retried. The body is bounded by the
     * policy's {@link UpstreamPolicy#stallTimeout() stall timeout} (no byte for that long) and by the request
     * deadline when an incoming request opened one, not by the attempt timeout; rules over the body are not
     * applied. Close the response when done.
     *
     * @return the validated head and the body as a stream
     * @throws UpstreamException when the call failed or was rejected before the head
     */
    public StreamedResponse stream(ClassicHttpRequest request) throws UpstreamException {
        return stream(request, false);
    }

    /**
     * Like {@link #stream(ClassicHttpRequest)}; {@code retrySafe} as for
     * {@link #execute(ClassicHttpRequest, boolean)}.
     */
    public StreamedResponse stream(ClassicHttpRequest request, boolean retrySafe) throws UpstreamException {
        Objects.requireNonNull(request, "request");
        HttpClientContext context = HttpClientContext.create();
        streamResponse(context, true);
        if (retrySafe) {
            markRetrySafe(context);
        }
        HttpHost host = target(request);
        ClassicHttpResponse response;
        try {
            response = client.executeOpen(host, withBasePath(request), context);
        } catch (UpstreamException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw UpstreamException.builder(name, FailureKind.CONFIGURATION_ERROR)
                    .details("request could not be sent").cause(e).build();
        }
        HttpEntity entity = response.getEntity();
        InputStream body;
        try {
            body = entity == null ? InputStream.nullInputStream() : entity.getContent();
        } catch (IOException | RuntimeException e) {
            closeQuietly(response);
            throw UpstreamException.builder(name, FailureKind.INTERNAL_ERROR)
                    .details("response body unavailable").cause(e).build();
        }
        Object attempts = context.getAttribute(GuardExecHandler.ATTEMPTS_ATTRIBUTE);
        return new StreamedResponse(response.getCode(), response.getHeaders(), body,
                attempts instanceof Integer n ? n : 1, response);
    }

    /**
     * Chooses, for calls made through {@link #httpClient()} with {@code context}, whether the response body is
     * streamed (true: as {@link #stream(ClassicHttpRequest)} does; the entity's content is the guarded body) or
     * buffered (false); without a choice the policy's {@link UpstreamPolicy#streamResponses()} decides.
     */
    public static void streamResponse(HttpContext context, boolean stream) {
        context.setAttribute(GuardExecHandler.STREAM_ATTRIBUTE, stream);
    }

    /**
     * The HttpClient with this upstream's policy inside its exec chain: for existing {@code CloseableHttpClient}
     * call sites. Responses arrive fully read (the body is buffered within the deadline and validated), unless the
     * policy or the call chose streaming ({@link #streamResponse(HttpContext, boolean)}); failures arrive as
     * {@link UpstreamException}. Do not close it: {@link #close()} does.
     */
    public CloseableHttpClient httpClient() {
        return client;
    }

    /** Marks requests executed with {@code context} as safe to send twice (see {@link #execute(ClassicHttpRequest, boolean)}). */
    public static void markRetrySafe(HttpContext context) {
        context.setAttribute("dev.upstreamguard.retry-safe", Boolean.TRUE);
    }

    /** The logical name. */
    public String name() {
        return name;
    }

    /** The base URI, or {@code null} when requests carry absolute URIs. */
    public URI baseUri() {
        return baseUri;
    }

    /** The policy. */
    public UpstreamPolicy policy() {
        return policy;
    }

    /** The circuit breaker, or {@code null} when disabled. */
    public CircuitBreaker circuitBreaker() {
        return circuitBreaker;
    }

    /** The kind of the last failed call, or {@code null} when none failed yet. */
    public FailureKind lastFailureKind() {
        FailureReport.LastFailure last = report.lastFailure();
        return last == null ? null : last.kind();
    }

    /** The connection pool's statistics: leased, pending, available and max connections. */
    public PoolStats connectionPoolStats() {
        return pool.getTotalStats();
    }

    /**
     * Where this upstream's open connections, leased or idle, go: each remote address as {@code ip:port}
     * ({@code [ip]:port} for IPv6) with how many connections it has, in address order. After a DNS change it shows
     * whether the pool still holds connections to the old address (they are replaced within
     * {@link UpstreamPolicy#maxConnectionLifetime()}).
     */
    public Map<String, Integer> connectionAddresses() {
        return connectionAddresses.snapshot();
    }

    /** Closes the connection pool and this upstream's timer thread. */
    @Override
    public void close() {
        unpublishPool.run();
        client.close(CloseMode.GRACEFUL);
        if (ownScheduler != null) {
            ownScheduler.shutdownNow();
        }
    }

    /** The request to send: relative ones get the base URI's path prefix (on a copy; the caller's is untouched). */
    private ClassicHttpRequest withBasePath(ClassicHttpRequest request) {
        String basePath = baseUri == null || request.getAuthority() != null ? null : baseUri.getRawPath();
        if (basePath == null || basePath.isEmpty() || basePath.equals("/")) {
            return request;
        }
        String path = request.getPath() == null ? "/" : request.getPath();
        String prefix = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
        return ClassicRequestBuilder.copy(request).setPath(prefix + (path.startsWith("/") ? path : "/" + path)).build();
    }

    private static void closeQuietly(ClassicHttpResponse response) {
        try {
            response.close();
        } catch (IOException | RuntimeException ignored) {
            // nothing left to release
        }
    }

    private HttpHost target(ClassicHttpRequest request) throws UpstreamException {
        if (request.getAuthority() != null) {
            return null; // absolute URI: HttpClient takes the target from it
        }
        if (target == null) {
            throw UpstreamException.builder(name, FailureKind.CONFIGURATION_ERROR)
                    .details("no base URI configured").build();
        }
        return target;
    }

    @Override
    public String toString() {
        return "Upstream[" + name + "]";
    }

    /** Builds an {@link Upstream}. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private URI baseUri;
        private UpstreamPolicy policy = UpstreamPolicy.ofDefaults();
        private CircuitBreakerRegistry circuitBreakerRegistry;
        private BulkheadRegistry bulkheadRegistry;
        private MeterRegistry meterRegistry;
        private ScheduledExecutorService scheduler;
        private NanoClock clock = NanoClock.SYSTEM;
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
        private Consumer<HttpClientBuilder> clientCustomizer = b -> { };
        private SSLContext sslContext;
        private DnsResolver dnsResolver;

        private Builder(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty() || name.length() > 64 || !name.chars().allMatch(Builder::isNameChar)) {
                throw new IllegalArgumentException(
                        "upstream name must be 1..64 characters of [A-Za-z0-9._-], but was '" + name + "'");
            }
            this.name = name;
        }

        private static boolean isNameChar(int c) {
            return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                    || c == '-';
        }

        /** Where relative requests go: {@code http(s)://host[:port][/path]}. */
        public Builder baseUri(String uri) {
            return baseUri(URI.create(Objects.requireNonNull(uri, "uri")));
        }

        /** Where relative requests go: {@code http(s)://host[:port][/path]}. */
        public Builder baseUri(URI uri) {
            Objects.requireNonNull(uri, "uri");
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    || uri.getHost() == null) {
                throw new IllegalArgumentException(
                        "baseUri must be an absolute http or https URI with a host, but was '" + uri + "'");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("baseUri must not have a query or fragment, but was '" + uri + "'");
            }
            this.baseUri = uri;
            return this;
        }

        /** The policy (default {@link UpstreamPolicy#ofDefaults()}). */
        public Builder policy(UpstreamPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Where the circuit breaker comes from (keyed by the upstream's name); default a private registry. */
        public Builder circuitBreakerRegistry(CircuitBreakerRegistry registry) {
            this.circuitBreakerRegistry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** Where the bulkhead comes from (keyed by the upstream's name); default a private one. */
        public Builder bulkheadRegistry(BulkheadRegistry registry) {
            this.bulkheadRegistry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** Where metrics go; default none. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** A scheduler for attempt deadlines, shared between upstreams; default one daemon thread per upstream. */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** The monotonic clock for deadlines and the retry budget (tests inject one). */
        public Builder clock(NanoClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Uniform random numbers in [0, 1) for backoff jitter (tests inject a seeded one). */
        public Builder random(DoubleSupplier random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** The TLS context for https upstreams (trust store, client certificate); default the JVM's. */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
            return this;
        }

        /**
         * How host names are resolved when connecting; default the system's ({@code InetAddress}, with the JVM's
         * DNS cache). The resolver is used by this upstream's connection pool for every new connection, so a test
         * can make a name fail ({@code UnknownHostException} becomes {@code dns_error}) or point it at another
         * address, and an application can plug in its own resolver (a service registry, a fixed host table).
         * A lookup is bounded by the policy's connect timeout: one that has not answered by then fails the attempt as
         * {@code dns_error} with the details "DNS lookup timed out" (the lookup itself finishes on its own daemon
         * thread).
         */
        public Builder dnsResolver(DnsResolver dnsResolver) {
            this.dnsResolver = Objects.requireNonNull(dnsResolver, "dnsResolver");
            return this;
        }

        /**
         * Adjusts the HttpClient before it is built (proxy, redirects...). Customizers run in the order added. The
         * policy's connection manager, keep-alive strategy and exec-chain element are already set; replacing them
         * voids the policy.
         */
        public Builder customizeClient(Consumer<HttpClientBuilder> customizer) {
            this.clientCustomizer = this.clientCustomizer.andThen(Objects.requireNonNull(customizer, "customizer"));
            return this;
        }

        /** The upstream. */
        public Upstream build() {
            return new Upstream(this);
        }
    }
}
