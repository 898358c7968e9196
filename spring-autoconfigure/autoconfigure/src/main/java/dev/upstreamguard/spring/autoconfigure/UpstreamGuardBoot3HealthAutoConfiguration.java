package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.core.Upstream;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * The health indicators of {@link UpstreamGuardHealthAutoConfiguration} on Spring Boot 3.5, where Actuator's health
 * API lives in {@code org.springframework.boot.actuate.health} (module spring-boot-actuator): the same contributor
 * {@code upstreamGuard} with one indicator per upstream. The artifact is compiled against Boot 4 only, so the
 * Boot 3.5 types are reached by name ({@link Boot3HealthContributors}); this class is inert on Boot 4.
 */
@AutoConfiguration(after = UpstreamGuardAutoConfiguration.class)
@ConditionalOnClass(name = Boot3HealthContributors.HEALTH_INDICATOR)
@ConditionalOnMissingClass("org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnBean(Upstream.class)
@ConditionalOnProperty(prefix = "management.health.upstream-guard", name = "enabled", havingValue = "true",
        matchIfMissing = true)
@Import(UpstreamGuardBoot3HealthAutoConfiguration.Registrar.class)
public final class UpstreamGuardBoot3HealthAutoConfiguration {

    /** Registers the contributor with its Boot 3.5 type, so that Actuator finds it by type. */
    static final class Registrar implements ImportBeanDefinitionRegistrar, BeanFactoryAware, BeanClassLoaderAware {
        private BeanFactory beanFactory;
        private ClassLoader classLoader;

        @Override
        public void setBeanFactory(BeanFactory beanFactory) {
            this.beanFactory = beanFactory;
        }

        @Override
        public void setBeanClassLoader(ClassLoader classLoader) {
            this.classLoader = classLoader;
        }

        @Override
        public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
            if (registry.containsBeanDefinition(Boot3HealthContributors.BEAN_NAME)) {
                return;
            }
            Boot3HealthContributors contributors = new Boot3HealthContributors(classLoader);
            RootBeanDefinition definition = new RootBeanDefinition();
            definition.setTargetType(ClassUtils.resolveClassName(Boot3HealthContributors.COMPOSITE, classLoader));
            definition.setInstanceSupplier(() -> contributors.composite(
                    ((ListableBeanFactory) beanFactory).getBeanProvider(Upstream.class).orderedStream().toList()));
            registry.registerBeanDefinition(Boot3HealthContributors.BEAN_NAME, definition);
        }
    }
}
