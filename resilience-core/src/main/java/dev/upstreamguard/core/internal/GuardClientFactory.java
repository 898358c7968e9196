package dev.upstreamguard.core.internal;

import dev.upstreamguard.core.UpstreamPolicy;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/** Builds the HttpClient an upstream runs on: pool, keep-alive, limits and the guard in the exec chain. */
public final class GuardClientFactory {
    private GuardClientFactory() {
    }

    /** A single daemon thread that fires attempt deadlines. */
    public static ScheduledExecutorService newScheduler(String upstream) {
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "upstream-guard-timer-" + upstream);
            t.setDaemon(true);
            return t;
        });
        s.setRemoveOnCancelPolicy(true);
        return s;
    }

    /** The built client, its pool (whose statistics the upstream exposes) and the addresses its connections go to. */
    public record GuardClient(CloseableHttpClient client, PoolingHttpClientConnectionManager pool,
            ConnectionAddresses addresses) {
    }

    public static GuardClient build(UpstreamPolicy policy, GuardExecHandler handler, SSLContext sslContext,
            Consumer<HttpClientBuilder> customizer) {
        return build(policy, handler, sslContext, null, customizer);
    }

    /** Like {@link #build(UpstreamPolicy, GuardExecHandler, SSLContext, Consumer)}; a null resolver means the system's. */
    public static GuardClient build(UpstreamPolicy policy, GuardExecHandler handler, SSLContext sslContext,
            DnsResolver dnsResolver, Consumer<HttpClientBuilder> customizer) {
        PoolingHttpClientConnectionManagerBuilder poolBuilder = PoolingHttpClientConnectionManagerBuilder.create();
        ConnectionAddresses addresses = new ConnectionAddresses();
        if (sslContext != null) {
            poolBuilder.setTlsSocketStrategy(new DefaultClientTlsStrategy(sslContext));
        }
        // A lookup has no timeout of its own (the JDK resolver's retries can take 10 s and more): every resolver,
        // the system's or the caller's, is bounded by the connect timeout.
        poolBuilder.setDnsResolver(new BoundedDnsResolver(
                dnsResolver != null ? dnsResolver : SystemDefaultDnsResolver.INSTANCE, policy.connectTimeout()));
        PoolingHttpClientConnectionManager pool = poolBuilder
                .setMaxConnTotal(policy.maxConcurrentCalls())
                .setMaxConnPerRoute(policy.maxConcurrentCalls())
                .setDefaultSocketConfig(SocketConfig.custom()
                        .setTcpNoDelay(true)
                        .setSoTimeout(Timeout.of(policy.attemptTimeout()))
                        .build())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(policy.connectTimeout()))
                        .setSocketTimeout(Timeout.of(policy.attemptTimeout()))
                        // 2 s is HttpClient's default: a cheap staleness check after inactivity. Never 0 (20x slower).
                        .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                        // Busy connections too are replaced after this: a DNS change reaches all traffic.
                        .setTimeToLive(TimeValue.of(policy.maxConnectionLifetime()))
                        .build())
                .setConnectionFactory(new InSyncConnectionFactory(Http1Config.custom()
                        .setMaxHeaderCount(policy.maxHeaderCount())
                        .setMaxLineLength(policy.maxHeaderLineLength())
                        .build(), addresses))
                .build();
        HttpClientBuilder builder = HttpClients.custom()
                .setConnectionManager(pool)
                .setRequestExecutor(new StreamingRequestExecutor())
                .setKeepAliveStrategy(new KeepAliveStrategy(policy.idleTimeout(), policy.keepAliveMargin()))
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(Timeout.of(policy.poolLeaseTimeout()))
                        .setResponseTimeout(Timeout.of(policy.attemptTimeout()))
                        .build())
                // Our retry policy must be the only retry layer (HttpClient retries 429/503 and I/O errors itself).
                .disableAutomaticRetries()
                // A shared client must never carry one user's cookies into another user's call.
                .disableCookieManagement()
                .addExecInterceptorFirst("upstream-guard", handler);
        customizer.accept(builder);
        return new GuardClient(builder.build(), pool, addresses);
    }
}
