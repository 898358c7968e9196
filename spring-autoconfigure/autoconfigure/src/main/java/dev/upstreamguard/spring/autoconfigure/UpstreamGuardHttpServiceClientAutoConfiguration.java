package dev.upstreamguard.spring.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * HTTP service clients ({@code @ImportHttpServices}, Spring Framework 7 / Boot 4): an
 * {@link UpstreamHttpServiceGroupConfigurer} that sends each group named like an upstream through that upstream.
 * Inert on Spring Boot 3.5, whose Framework has no HTTP service groups (the condition is read by name).
 */
@AutoConfiguration(after = UpstreamGuardRestClientsAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.web.client.support.RestClientHttpServiceGroupConfigurer")
@ConditionalOnBean(UpstreamRequestFactories.class)
public final class UpstreamGuardHttpServiceClientAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    UpstreamHttpServiceGroupConfigurer upstreamGuardHttpServiceGroupConfigurer(UpstreamRequestFactories upstreams) {
        return new UpstreamHttpServiceGroupConfigurer(upstreams);
    }
}
