package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.servlet.UpstreamGuardConfig;
import dev.upstreamguard.servlet.UpstreamGuardFilter;
import dev.upstreamguard.servlet.spi.ErrorRenderer;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * The servlet side: {@link UpstreamGuardFilter} registered as {@code upstreamGuardFilter} at
 * {@code upstream-guard.filter-order} (default {@link UpstreamGuardProperties#DEFAULT_FILTER_ORDER}, outside Spring
 * Security and MVC) for REQUEST, ASYNC and ERROR dispatches, configured from {@code upstream-guard.*} plus any
 * {@link ErrorRenderer} beans; and, with Spring MVC, the {@link UpstreamExceptionHandler}.
 */
@AutoConfiguration(after = UpstreamGuardAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ UpstreamGuardFilter.class, MeterRegistry.class })
@ConditionalOnProperty(prefix = "upstream-guard", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(UpstreamGuardProperties.class)
public final class UpstreamGuardServletAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    UpstreamGuardConfig upstreamGuardConfig(UpstreamGuardProperties properties,
            ObjectProvider<ErrorRenderer> renderers, ObjectProvider<MeterRegistry> meterRegistry) {
        return FilterConfigMapper.map(properties, renderers.orderedStream().toList(), meterRegistry.getIfUnique());
    }

    @Bean
    @ConditionalOnMissingBean(name = "upstreamGuardFilterRegistration")
    FilterRegistrationBean<UpstreamGuardFilter> upstreamGuardFilterRegistration(UpstreamGuardConfig config,
            UpstreamGuardProperties properties) {
        FilterRegistrationBean<UpstreamGuardFilter> registration =
                new FilterRegistrationBean<>(new UpstreamGuardFilter(config));
        registration.setName("upstreamGuardFilter");
        registration.setOrder(properties.getFilterOrder());
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR);
        return registration;
    }

    /** Spring MVC's side. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(DispatcherServlet.class)
    static class MvcConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "upstreamGuardExceptionHandler")
        UpstreamExceptionHandler upstreamGuardExceptionHandler() {
            return new UpstreamExceptionHandler();
        }
    }
}
