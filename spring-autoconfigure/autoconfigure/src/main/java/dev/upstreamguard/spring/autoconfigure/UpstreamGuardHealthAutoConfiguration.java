package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.core.Upstream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * A health indicator per upstream (breaker state, last failure kind, pool), grouped under the contributor
 * {@code upstreamGuard}: {@code /actuator/health/upstreamGuard/<name>}. Spring Boot 4 variant: the health API lives
 * in {@code org.springframework.boot.health.contributor} (module spring-boot-health).
 */
@AutoConfiguration(after = UpstreamGuardAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(Upstream.class)
@ConditionalOnProperty(prefix = "management.health.upstream-guard", name = "enabled", havingValue = "true",
        matchIfMissing = true)
public final class UpstreamGuardHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "upstreamGuardHealthContributor")
    CompositeHealthContributor upstreamGuardHealthContributor(ObjectProvider<Upstream> upstreams) {
        Map<String, HealthIndicator> indicators = new LinkedHashMap<>();
        upstreams.orderedStream().forEach(upstream -> indicators.put(upstream.name(), () -> health(upstream)));
        return CompositeHealthContributor.fromMap(indicators);
    }

    private static Health health(Upstream upstream) {
        UpstreamHealth health = UpstreamHealth.of(upstream);
        return Health.status(health.status()).withDetails(health.details()).build();
    }
}
