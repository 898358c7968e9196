package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.core.Upstream;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * Registers, for each entry of {@code upstream-guard.upstreams}, an {@link Upstream} bean named
 * {@code <name>Upstream} and (when spring-web is present) a {@code RestClient} bean named {@code <name>RestClient},
 * both qualified {@code <name>}: {@code @Qualifier("backend") RestClient backend}.
 *
 * <p>An {@link ImportBeanDefinitionRegistrar} is the simplest hook that sees the bound map before beans are
 * created, and a registered definition takes part in {@code @Qualifier} resolution like any {@code @Bean}. A bean
 * the application already defines under one of these names wins: ours is then not registered.
 */
class UpstreamBeanRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanFactoryAware,
        BeanClassLoaderAware {
    static final String REST_CLIENT = "org.springframework.web.client.RestClient";
    static final String HTTP_COMPONENTS_FACTORY = "org.springframework.http.client.HttpComponentsClientHttpRequestFactory";

    private Environment environment;
    private BeanFactory beanFactory;
    private ClassLoader classLoader;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

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
        boolean restClients = ClassUtils.isPresent(REST_CLIENT, classLoader)
                && ClassUtils.isPresent(HTTP_COMPONENTS_FACTORY, classLoader);
        for (String name : upstreamNames(environment)) {
            String upstreamBean = upstreamBeanName(name);
            if (!registry.containsBeanDefinition(upstreamBean)) {
                RootBeanDefinition upstream = new RootBeanDefinition(Upstream.class);
                upstream.setInstanceSupplier(() -> beanFactory.getBean(UpstreamFactory.class).create(name));
                register(registry, upstreamBean, name, upstream);
            }
            if (restClients && !registry.containsBeanDefinition(restClientBeanName(name))) {
                RootBeanDefinition client = new RootBeanDefinition(ClassUtils.resolveClassName(REST_CLIENT, classLoader));
                client.setInstanceSupplier(() -> beanFactory.getBean(UpstreamRestClientFactory.class)
                        .create(beanFactory.getBean(upstreamBean, Upstream.class)));
                client.setDependsOn(upstreamBean);
                register(registry, restClientBeanName(name), name, client);
            }
        }
    }

    private static void register(BeanDefinitionRegistry registry, String beanName, String qualifier,
            RootBeanDefinition definition) {
        definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, qualifier));
        definition.setDestroyMethodName(AbstractBeanDefinition.INFER_METHOD);
        registry.registerBeanDefinition(beanName, definition);
    }

    /** The names under {@code upstream-guard.upstreams}, in declaration order. */
    static Set<String> upstreamNames(Environment environment) {
        return Binder.get(environment)
                .bind(PropertyNames.PREFIX + ".upstreams", Bindable.mapOf(String.class, UpstreamProperties.class))
                .map(Map::keySet)
                .orElse(Set.of());
    }

    /** The {@link Upstream} bean's name: {@code <name>Upstream}. */
    static String upstreamBeanName(String name) {
        return name + "Upstream";
    }

    /** The {@code RestClient} bean's name: {@code <name>RestClient}. */
    static String restClientBeanName(String name) {
        return name + "RestClient";
    }
}
