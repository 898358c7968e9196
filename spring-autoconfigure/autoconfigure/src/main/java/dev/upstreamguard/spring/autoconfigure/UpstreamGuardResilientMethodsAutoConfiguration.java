package dev.upstreamguard.spring.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportSelector;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Spring Framework 7's resilience annotations in a servlet application: a {@code @ConcurrencyLimit} rejection is
 * answered by the filter as 503 {@code connection_limit_reached}
 * ({@link dev.upstreamguard.spring.retry.ConcurrencyLimitExceptionHandler}, bean
 * {@code upstreamGuardConcurrencyLimitExceptionHandler}). Inert on Spring Boot 3.5: the condition names a
 * Framework 7 type, and the configuration holding Framework 7 types is imported by name only once it matched.
 */
@AutoConfiguration(after = UpstreamGuardServletAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = { "org.springframework.resilience.InvocationRejectedException",
        "org.springframework.web.servlet.DispatcherServlet", "dev.upstreamguard.servlet.UpstreamGuardFilter" })
@ConditionalOnProperty(prefix = "upstream-guard", name = "enabled", havingValue = "true", matchIfMissing = true)
@Import(UpstreamGuardResilientMethodsAutoConfiguration.Framework7.class)
public final class UpstreamGuardResilientMethodsAutoConfiguration {

    /** Imports {@code ConcurrencyLimitHandlerConfiguration} by name. */
    static final class Framework7 implements ImportSelector {
        @Override
        public String[] selectImports(AnnotationMetadata metadata) {
            return new String[] { "dev.upstreamguard.spring.autoconfigure.ConcurrencyLimitHandlerConfiguration" };
        }
    }
}
