package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.core.Upstream;
import org.springframework.core.Ordered;
import org.springframework.web.client.RestClient;

/**
 * Sends each HTTP service group named like an upstream ({@code @ImportHttpServices(group = "backend")} with
 * {@code upstream-guard.upstreams.backend.*}) through that upstream's guarded client, with its base URI when it has
 * one. Ordered at {@link #ORDER}: after Spring Boot's configurer of {@code spring.http.serviceclient.<group>.*}
 * ({@code HIGHEST_PRECEDENCE + 10}, whose request factory it replaces and whose default headers and API version stay)
 * and before the one applying {@code RestClientCustomizer}s (order 0). Groups of other names are left alone.
 */
public final class UpstreamHttpServiceGroupConfigurer extends UpstreamHttpServiceGroups {
    /** The order: {@code Ordered.HIGHEST_PRECEDENCE + 20}. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 20;

    /** A configurer finding each group's upstream in {@code upstreams}. */
    public UpstreamHttpServiceGroupConfigurer(UpstreamRequestFactories upstreams) {
        super(upstreams, ORDER);
    }

    @Override
    void configure(RestClient.Builder builder, Upstream upstream, UpstreamRequestFactories upstreams) {
        UpstreamRequestFactories.guard(builder, upstream);
    }
}
