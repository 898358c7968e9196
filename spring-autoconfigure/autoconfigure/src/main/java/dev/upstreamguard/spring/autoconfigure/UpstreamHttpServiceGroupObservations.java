package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.spring.observation.UpstreamObservationConventions;
import org.springframework.core.Ordered;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientHttpServiceGroupConfigurer;
import org.springframework.web.service.registry.HttpServiceGroup;

/**
 * Gives each HTTP service group named like an upstream that upstream's observation convention
 * ({@link UpstreamObservationConventions}). Ordered at {@link #ORDER}, after the configurer applying the
 * {@code RestClientCustomizer}s (order 0), among them Spring Boot's observation customizer, which sets its own
 * convention on every builder. Groups of other names are left alone.
 */
public final class UpstreamHttpServiceGroupObservations implements RestClientHttpServiceGroupConfigurer {
    /** The order: {@code Ordered.LOWEST_PRECEDENCE - 100}, after configurers of the default order. */
    public static final int ORDER = Ordered.LOWEST_PRECEDENCE - 100;

    private final UpstreamRequestFactories upstreams;

    /** A configurer finding each group's upstream in {@code upstreams}. */
    public UpstreamHttpServiceGroupObservations(UpstreamRequestFactories upstreams) {
        this.upstreams = upstreams;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public void configureGroups(Groups<RestClient.Builder> groups) {
        groups.forEachClient(this::configure);
    }

    private void configure(HttpServiceGroup group, RestClient.Builder builder) {
        Upstream upstream = upstreams.find(group.name());
        if (upstream != null) {
            upstreams.observe(builder, upstream);
        }
    }
}
