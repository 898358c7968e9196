package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.spring.retry.ConcurrencyLimitExceptionHandler;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@link ConcurrencyLimitExceptionHandler} bean (Framework 7 types; see its auto-configuration). */
@Configuration(proxyBeanMethods = false)
class ConcurrencyLimitHandlerConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "upstreamGuardConcurrencyLimitExceptionHandler")
    ConcurrencyLimitExceptionHandler upstreamGuardConcurrencyLimitExceptionHandler() {
        return new ConcurrencyLimitExceptionHandler();
    }
}
