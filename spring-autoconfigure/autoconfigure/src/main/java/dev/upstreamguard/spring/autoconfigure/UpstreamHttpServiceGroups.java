package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.core.Upstream;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientHttpServiceGroupConfigurer;

/**
 * A configurer of the HTTP service groups named like an upstream: applies {@link #configure} to each such group's
 * builder, at the subclass's order; groups of other names are left alone.
 */
abstract class UpstreamHttpServiceGroups implements RestClientHttpServiceGroupConfigurer {
    private final UpstreamRequestFactories upstreams;
    private final int order;

    UpstreamHttpServiceGroups(UpstreamRequestFactories upstreams, int order) {
        this.upstreams = upstreams;
        this.order = order;
    }

    @Override
    public final int getOrder() {
        return order;
    }

    @Override
    public final void configureGroups(Groups<RestClient.Builder> groups) {
        groups.forEachClient((group, builder) -> {
            Upstream upstream = upstreams.find(group.name());
            if (upstream != null) {
                configure(builder, upstream, upstreams);
            }
        });
    }

    /** Configures the builder of the group named like {@code upstream}. */
    abstract void configure(RestClient.Builder builder, Upstream upstream, UpstreamRequestFactories upstreams);
}
