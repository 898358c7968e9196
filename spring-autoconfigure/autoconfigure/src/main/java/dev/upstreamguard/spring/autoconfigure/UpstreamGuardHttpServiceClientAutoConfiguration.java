package dev.upstreamguard.spring.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportSelector;
import org.springframework.core.type.AnnotationMetadata;

/**
 * HTTP service clients ({@code @ImportHttpServices}, Spring Framework 7 / Boot 4): an
 * {@link UpstreamHttpServiceGroupConfigurer} that sends each group named like an upstream through that upstream.
 * Inert on Spring Boot 3.5, whose Framework has no HTTP service groups: the condition names the Framework 7 type, and
 * the configuration holding Framework 7 types is imported by name only once it matched.
 */
@AutoConfiguration(after = UpstreamGuardRestClientsAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.web.client.support.RestClientHttpServiceGroupConfigurer")
@ConditionalOnBean(UpstreamRequestFactories.class)
@Import(UpstreamGuardHttpServiceClientAutoConfiguration.Framework7.class)
public final class UpstreamGuardHttpServiceClientAutoConfiguration {

    /** Imports {@code UpstreamHttpServiceGroupConfiguration} by name. */
    static final class Framework7 implements ImportSelector {
        @Override
        public String[] selectImports(AnnotationMetadata metadata) {
            return new String[] { "dev.upstreamguard.spring.autoconfigure.UpstreamHttpServiceGroupConfiguration" };
        }
    }
}
