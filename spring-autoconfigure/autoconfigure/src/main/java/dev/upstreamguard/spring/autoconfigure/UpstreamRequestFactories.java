package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.core.Upstream;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * Guarded request factories of the named upstreams, for any {@link RestClient.Builder} or
 * {@code RestTemplateBuilder} (bean {@code upstreamGuardRequestFactories}):
 *
 * <pre>{@code
 * RestClient client = builder.apply(upstreams.restClient("backend")).build();
 * RestTemplate template = restTemplateBuilder.requestFactory(() -> upstreams.requestFactory("backend")).build();
 * }</pre>
 *
 * Every request then runs under the upstream's policy. The factories share the upstream's client and pool; closing
 * one (as a bean's destroy callback would) closes them, which the application context does on shutdown anyway.
 */
public final class UpstreamRequestFactories {
    private final ObjectProvider<Upstream> upstreams;

    /** Factories over the {@link Upstream} beans of {@code upstreams}. */
    public UpstreamRequestFactories(ObjectProvider<Upstream> upstreams) {
        this.upstreams = upstreams;
    }

    /**
     * A request factory sending through upstream {@code name}'s guarded client.
     *
     * @throws IllegalArgumentException when no upstream has that name
     */
    public ClientHttpRequestFactory requestFactory(String name) {
        return requestFactory(upstream(name));
    }

    /**
     * Sends a {@link RestClient.Builder} through upstream {@code name}: its guarded request factory and, when it has
     * one, its base URI. Use with {@link RestClient.Builder#apply(Consumer)}.
     *
     * @throws IllegalArgumentException when no upstream has that name
     */
    public Consumer<RestClient.Builder> restClient(String name) {
        Upstream upstream = upstream(name);
        return builder -> guard(builder, upstream);
    }

    /** The upstream called {@code name}, or {@code null}. */
    Upstream find(String name) {
        return upstreams.orderedStream().filter(u -> u.name().equals(name)).findFirst().orElse(null);
    }

    static ClientHttpRequestFactory requestFactory(Upstream upstream) {
        return new HttpComponentsClientHttpRequestFactory(upstream.httpClient());
    }

    static void guard(RestClient.Builder builder, Upstream upstream) {
        builder.requestFactory(requestFactory(upstream));
        if (upstream.baseUri() != null) {
            builder.baseUrl(upstream.baseUri().toString());
        }
    }

    private Upstream upstream(String name) {
        Upstream upstream = find(name);
        if (upstream == null) {
            Map<String, Upstream> known = upstreams.orderedStream()
                    .collect(Collectors.toMap(Upstream::name, u -> u, (a, b) -> a));
            throw new IllegalArgumentException("no upstream is called '" + name + "'; declare it under "
                    + PropertyNames.upstreamPrefix(name) + " (known upstreams: " + known.keySet() + ")");
        }
        return upstream;
    }
}
