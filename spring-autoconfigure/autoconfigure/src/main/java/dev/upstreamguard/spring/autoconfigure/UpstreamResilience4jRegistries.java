package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.core.Upstream;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;

/**
 * Takes each upstream's bulkhead from the application's resilience4j {@link BulkheadRegistry} (the one resilience4j's
 * Spring Boot integration configures from {@code resilience4j.bulkhead.*}, or one the application declares), as
 * {@link UpstreamFactory} already does for the circuit breaker. A registry that already holds an instance under the
 * upstream's name (for example from {@code resilience4j.bulkhead.instances.<name>}) keeps it as configured; otherwise
 * the instance is created in the registry with the upstream's {@code max-concurrent-calls}, so that resilience4j's
 * endpoints and metrics show it.
 */
public final class UpstreamResilience4jRegistries implements UpstreamCustomizer, Ordered {
    /** The order: {@code Ordered.HIGHEST_PRECEDENCE + 20}, before the application's customizers. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 20;

    private final ObjectProvider<BulkheadRegistry> bulkheadRegistry;

    /** Customizer using the unique (or primary) registry of {@code bulkheadRegistry}, when there is one. */
    public UpstreamResilience4jRegistries(ObjectProvider<BulkheadRegistry> bulkheadRegistry) {
        this.bulkheadRegistry = bulkheadRegistry;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public void customize(String name, Upstream.Builder builder) {
        bulkheadRegistry.ifUnique(builder::bulkheadRegistry);
    }
}
