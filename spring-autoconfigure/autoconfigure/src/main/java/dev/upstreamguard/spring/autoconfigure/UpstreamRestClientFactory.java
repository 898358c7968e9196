package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.spring.observation.UpstreamObservationConventions;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * Builds the {@link RestClient} of an upstream: Boot's {@link RestClient.Builder} when present (message converters,
 * customizers), sending through {@link Upstream#httpClient()} so that every call runs under the upstream's policy,
 * with the upstream's base URI and its observation convention (see {@link UpstreamObservationConventions}). Failures
 * surface as {@code ResourceAccessException} caused by {@code UpstreamException}.
 */
public final class UpstreamRestClientFactory {
    private final ObjectProvider<RestClient.Builder> builders;
    private final ObjectProvider<UpstreamObservationConventions> conventions;

    /** A factory cloning a builder from {@code builders}, or starting from {@link RestClient#builder()}. */
    public UpstreamRestClientFactory(ObjectProvider<RestClient.Builder> builders) {
        this(builders, null);
    }

    /**
     * A factory cloning a builder from {@code builders}, or starting from {@link RestClient#builder()}, with the
     * observation convention that {@code conventions} gives each upstream (when it has a bean).
     */
    public UpstreamRestClientFactory(ObjectProvider<RestClient.Builder> builders,
            ObjectProvider<UpstreamObservationConventions> conventions) {
        this.builders = builders;
        this.conventions = conventions;
    }

    /** The client of {@code upstream}. */
    public RestClient create(Upstream upstream) {
        RestClient.Builder builder = builders.getIfAvailable(RestClient::builder).clone()
                .requestFactory(new HttpComponentsClientHttpRequestFactory(upstream.httpClient()));
        if (upstream.baseUri() != null) {
            builder.baseUrl(upstream.baseUri().toString());
        }
        UpstreamRequestFactories.observe(builder, upstream, conventions);
        return builder.build();
    }
}
