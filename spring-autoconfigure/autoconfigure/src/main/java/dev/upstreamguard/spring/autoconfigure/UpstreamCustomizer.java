package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.core.Upstream;

/**
 * Adjusts an upstream's builder before its bean is built: declare beans of this type to add a
 * {@code customizeClient} step (proxy, TLS), a shared scheduler, or another policy. Applied in
 * {@link org.springframework.core.annotation.Order} order, after the properties.
 */
@FunctionalInterface
public interface UpstreamCustomizer {

    /** Customizes the builder of the upstream called {@code name}. */
    void customize(String name, Upstream.Builder builder);
}
