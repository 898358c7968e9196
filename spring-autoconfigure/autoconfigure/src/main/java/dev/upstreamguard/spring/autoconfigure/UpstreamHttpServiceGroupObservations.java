package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.spring.observation.UpstreamObservationConventions;
import org.springframework.core.Ordered;
import org.springframework.web.client.RestClient;

/**
 * Gives each HTTP service group named like an upstream that upstream's observation convention
 * ({@link UpstreamObservationConventions}). Ordered at {@link #ORDER}, after the configurer applying the
 * {@code RestClientCustomizer}s (order 0), among them Spring Boot's observation customizer, which sets its own
 * convention on every builder. Groups of other names are left alone.
 */
public final class UpstreamHttpServiceGroupObservations extends UpstreamHttpServiceGroups {
    /** The order: {@code Ordered.LOWEST_PRECEDENCE - 100}, after configurers of the default order. */
    public static final int ORDER = Ordered.LOWEST_PRECEDENCE - 100;

    /** A configurer finding each group's upstream in {@code upstreams}. */
    public UpstreamHttpServiceGroupObservations(UpstreamRequestFactories upstreams) {
        super(upstreams, ORDER);
    }

    @Override
    void configure(RestClient.Builder builder, Upstream upstream, UpstreamRequestFactories upstreams) {
        upstreams.observe(builder, upstream);
    }
}
