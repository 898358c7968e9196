package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamPolicy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;

/**
 * Builds the {@link Upstream} beans from {@code upstream-guard.upstream-defaults.*} overlaid with
 * {@code upstream-guard.upstreams.<name>.*}, with the application's {@link MeterRegistry} and resilience4j
 * {@link CircuitBreakerRegistry} when it has them, then the {@link UpstreamCustomizer}s. Bad or misaligned settings
 * fail with an {@link UpstreamGuardConfigurationException} that names each property.
 */
public final class UpstreamFactory {
    private final Binder binder;
    private final UpstreamPolicyMapper policies;
    private final ObjectProvider<MeterRegistry> meterRegistry;
    private final ObjectProvider<CircuitBreakerRegistry> circuitBreakerRegistry;
    private final ObjectProvider<UpstreamCustomizer> customizers;

    /** A factory reading upstream settings through {@code binder}. */
    public UpstreamFactory(Binder binder, UpstreamGuardProperties properties,
            ObjectProvider<MeterRegistry> meterRegistry, ObjectProvider<CircuitBreakerRegistry> circuitBreakerRegistry,
            ObjectProvider<UpstreamCustomizer> customizers) {
        this.binder = Objects.requireNonNull(binder, "binder");
        this.policies = new UpstreamPolicyMapper(properties);
        this.meterRegistry = meterRegistry;
        this.circuitBreakerRegistry = circuitBreakerRegistry;
        this.customizers = customizers;
    }

    /** The effective settings of upstream {@code name}: the defaults, then its own. */
    public UpstreamProperties settings(String name) {
        UpstreamProperties settings = new UpstreamProperties();
        binder.bind(PropertyNames.PREFIX + ".upstream-defaults", Bindable.ofInstance(settings));
        binder.bind(PropertyNames.upstreamPrefix(name), Bindable.ofInstance(settings));
        return settings;
    }

    /**
     * Builds upstream {@code name}; close it when done (as a bean, the context does).
     *
     * @throws UpstreamGuardConfigurationException when a setting is invalid or the timeouts are misaligned
     */
    public Upstream create(String name) {
        String at = PropertyNames.upstreamPrefix(name);
        Upstream.Builder b = newBuilder(name);
        UpstreamProperties settings = settings(name);
        Problems problems = new Problems(PropertyNames.forUpstream(name));
        problems.apply(at + ".base-uri", settings.getBaseUri(), b::baseUri);
        UpstreamPolicy policy = policies.map(name, settings, problems);
        problems.throwIfAny();
        b.policy(policy);
        meterRegistry.ifUnique(b::meterRegistry);
        circuitBreakerRegistry.ifUnique(b::circuitBreakerRegistry);
        customizers.orderedStream().forEach(c -> c.customize(name, b));
        return b.build();
    }

    private static Upstream.Builder newBuilder(String name) {
        try {
            return Upstream.builder(name);
        } catch (IllegalArgumentException e) {
            Problems problems = new Problems(PropertyNames.global());
            problems.rejected(PropertyNames.upstreamPrefix(name), name, e);
            throw new UpstreamGuardConfigurationException(problems.list());
        }
    }
}
