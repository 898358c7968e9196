package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.spring.observation.UpstreamObservationConventions;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.http.client.observation.ClientRequestObservationConvention;
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
    private final ObjectProvider<UpstreamObservationConventions> conventions;

    /** Factories over the {@link Upstream} beans of {@code upstreams}. */
    public UpstreamRequestFactories(ObjectProvider<Upstream> upstreams) {
        this(upstreams, null);
    }

    /**
     * Factories over the {@link Upstream} beans of {@code upstreams}; {@link #restClient(String)} also sets the
     * observation convention that {@code conventions} gives the upstream (when it has a bean).
     */
    public UpstreamRequestFactories(ObjectProvider<Upstream> upstreams,
            ObjectProvider<UpstreamObservationConventions> conventions) {
        this.upstreams = upstreams;
        this.conventions = conventions;
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
     * Sends a {@link RestClient.Builder} through upstream {@code name}: its guarded request factory, its base URI
     * when it has one, and its observation convention. Use with {@link RestClient.Builder#apply(Consumer)}.
     *
     * @throws IllegalArgumentException when no upstream has that name
     */
    public Consumer<RestClient.Builder> restClient(String name) {
        Upstream upstream = upstream(name);
        return builder -> {
            guard(builder, upstream);
            observe(builder, upstream);
        };
    }

    /** Sets the observation convention of {@code upstream} on {@code builder}, when there is one. */
    void observe(RestClient.Builder builder, Upstream upstream) {
        observe(builder, upstream, conventions);
    }

    static void observe(RestClient.Builder builder, Upstream upstream,
            ObjectProvider<UpstreamObservationConventions> conventions) {
        UpstreamObservationConventions chooser = conventions == null ? null : conventions.getIfUnique();
        ClientRequestObservationConvention convention = chooser == null ? null : chooser.forUpstream(upstream.name());
        if (convention != null) {
            builder.observationConvention(convention);
        }
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
