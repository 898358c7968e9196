package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.spring.observation.UpstreamObservationConventions;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * The upstreams for Spring's other HTTP call sites: {@link UpstreamRequestFactories} (bean
 * {@code upstreamGuardRequestFactories}) for any {@code RestClient.Builder} or {@code RestTemplateBuilder}.
 */
@AutoConfiguration(after = UpstreamGuardAutoConfiguration.class)
@ConditionalOnClass({ RestClient.class, HttpComponentsClientHttpRequestFactory.class })
@ConditionalOnBean(UpstreamFactory.class)
public final class UpstreamGuardRestClientsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    UpstreamRequestFactories upstreamGuardRequestFactories(ObjectProvider<Upstream> upstreams,
            ObjectProvider<UpstreamObservationConventions> conventions) {
        return new UpstreamRequestFactories(upstreams, conventions);
    }
}
