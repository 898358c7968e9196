package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.spring.observation.UpstreamObservationConventions;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * Upstream Guard's core beans: an {@link Upstream} bean per entry of {@code upstream-guard.upstreams} (named
 * {@code <name>Upstream}, qualified {@code <name>}) and, with spring-web, a {@link RestClient} per upstream (named
 * {@code <name>RestClient}, qualified {@code <name>}); the application's {@link MeterRegistry} and resilience4j
 * {@link CircuitBreakerRegistry} are used when present; each RestClient's {@code http.client.requests} observations
 * get the tags {@code upstream} and {@code error.type} ({@link UpstreamObservationConventions}). Also checks, at start-up, the timeouts against the front
 * proxy's ({@code upstream-guard.front-proxy-*}).
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration",
        "org.springframework.boot.autoconfigure.web.client.RestClientAutoConfiguration",
        "io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration" })
@ConditionalOnClass({ Upstream.class, CircuitBreakerRegistry.class, MeterRegistry.class })
@ConditionalOnProperty(prefix = "upstream-guard", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(UpstreamGuardProperties.class)
@Import(UpstreamBeanRegistrar.class)
public final class UpstreamGuardAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    UpstreamFactory upstreamGuardUpstreamFactory(Environment environment, UpstreamGuardProperties properties,
            ObjectProvider<MeterRegistry> meterRegistry, ObjectProvider<CircuitBreakerRegistry> circuitBreakerRegistry,
            ObjectProvider<UpstreamCustomizer> customizers) {
        return new UpstreamFactory(Binder.get(environment), properties, meterRegistry, circuitBreakerRegistry,
                customizers);
    }

    @Bean
    @ConditionalOnMissingBean
    FrontProxyAlignmentCheck upstreamGuardFrontProxyAlignmentCheck(UpstreamGuardProperties properties,
            ApplicationContext context) {
        return new FrontProxyAlignmentCheck(properties, context);
    }

    /** The RestClient side, when spring-web is on the class path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({ RestClient.class, HttpComponentsClientHttpRequestFactory.class })
    static class RestClientConfiguration {
        /** Spring Boot's property naming the client observations (on every line). */
        static final String OBSERVATION_NAME = "management.observations.http.client.requests.name";

        @Bean
        @ConditionalOnMissingBean
        UpstreamRestClientFactory upstreamGuardRestClientFactory(ObjectProvider<RestClient.Builder> builders,
                ObjectProvider<UpstreamObservationConventions> conventions) {
            return new UpstreamRestClientFactory(builders, conventions);
        }

        @Bean
        @ConditionalOnMissingBean
        UpstreamObservationConventions upstreamGuardObservationConventions(Environment environment) {
            return UpstreamObservationConventions.named(
                    environment.getProperty(OBSERVATION_NAME, "http.client.requests"));
        }
    }
}
