package dev.upstreamguard.spring.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@link UpstreamHttpServiceGroupConfigurer} and {@link UpstreamHttpServiceGroupObservations} beans (Framework 7 types; see its auto-configuration). */
@Configuration(proxyBeanMethods = false)
class UpstreamHttpServiceGroupConfiguration {

    @Bean
    @ConditionalOnMissingBean
    UpstreamHttpServiceGroupConfigurer upstreamGuardHttpServiceGroupConfigurer(UpstreamRequestFactories upstreams) {
        return new UpstreamHttpServiceGroupConfigurer(upstreams);
    }

    @Bean
    @ConditionalOnMissingBean
    UpstreamHttpServiceGroupObservations upstreamGuardHttpServiceGroupObservations(UpstreamRequestFactories upstreams) {
        return new UpstreamHttpServiceGroupObservations(upstreams);
    }
}
