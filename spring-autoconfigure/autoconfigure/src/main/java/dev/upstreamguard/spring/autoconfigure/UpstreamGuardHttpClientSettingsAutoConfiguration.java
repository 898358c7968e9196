package dev.upstreamguard.spring.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Spring Boot's HTTP client settings for the upstreams: SSL bundles and the redirect setting
 * ({@link UpstreamHttpClientSettings}).
 */
@AutoConfiguration(after = UpstreamGuardAutoConfiguration.class,
        afterName = "org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration")
@ConditionalOnBean(UpstreamFactory.class)
public final class UpstreamGuardHttpClientSettingsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    UpstreamHttpClientSettings upstreamGuardHttpClientSettings(Environment environment,
            ObjectProvider<SslBundles> sslBundles) {
        return new UpstreamHttpClientSettings(Binder.get(environment), sslBundles);
    }
}
