package dev.upstreamguard.spring.autoconfigure;

import io.github.resilience4j.bulkhead.BulkheadRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The upstreams' bulkheads in the application's resilience4j {@link BulkheadRegistry}
 * ({@link UpstreamResilience4jRegistries}); ordered after resilience4j's own Spring Boot integration (Boot 4 module
 * {@code resilience4j-spring-boot4}, Boot 3 module {@code resilience4j-spring-boot3}) when it is present.
 */
@AutoConfiguration(after = UpstreamGuardAutoConfiguration.class, afterName = {
        "io.github.resilience4j.springboot.bulkhead.autoconfigure.BulkheadAutoConfiguration",
        "io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration",
        "io.github.resilience4j.springboot3.bulkhead.autoconfigure.BulkheadAutoConfiguration",
        "io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration" })
@ConditionalOnClass(BulkheadRegistry.class)
@ConditionalOnBean(UpstreamFactory.class)
public final class UpstreamGuardResilience4jAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    UpstreamResilience4jRegistries upstreamGuardResilience4jRegistries(ObjectProvider<BulkheadRegistry> bulkheads) {
        return new UpstreamResilience4jRegistries(bulkheads);
    }
}
