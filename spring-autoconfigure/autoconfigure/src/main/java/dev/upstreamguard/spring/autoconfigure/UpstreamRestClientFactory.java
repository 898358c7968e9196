package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.core.Upstream;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * Builds the {@link RestClient} of an upstream: Boot's {@link RestClient.Builder} when present (message converters,
 * customizers), sending through {@link Upstream#httpClient()} so that every call runs under the upstream's policy,
 * with the upstream's base URI. Failures surface as {@code ResourceAccessException} caused by
 * {@code UpstreamException}.
 */
public final class UpstreamRestClientFactory {
    private final ObjectProvider<RestClient.Builder> builders;

    /** A factory cloning a builder from {@code builders}, or starting from {@link RestClient#builder()}. */
    public UpstreamRestClientFactory(ObjectProvider<RestClient.Builder> builders) {
        this.builders = builders;
    }

    /** The client of {@code upstream}. */
    public RestClient create(Upstream upstream) {
        RestClient.Builder builder = builders.getIfAvailable(RestClient::builder).clone()
                .requestFactory(new HttpComponentsClientHttpRequestFactory(upstream.httpClient()));
        if (upstream.baseUri() != null) {
            builder.baseUrl(upstream.baseUri().toString());
        }
        return builder.build();
    }
}
