package dev.upstreamguard.test.spring;

import dev.upstreamguard.test.FaultyUpstream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/** Reads {@link FaultyUpstreams} on a test class; registered in {@code META-INF/spring.factories}. */
public final class FaultyUpstreamsContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass,
            List<ContextConfigurationAttributes> configAttributes) {
        FaultyUpstreams annotation = AnnotatedElementUtils.findMergedAnnotation(testClass, FaultyUpstreams.class);
        if (annotation == null) {
            return null;
        }
        Set<String> names = new TreeSet<>();
        for (String name : annotation.value()) {
            names.add(FaultyUpstreamBeans.checkName(name));
        }
        return new Customizer(Set.copyOf(names));
    }

    /** Starts the servers, registers them as beans and properties, closes them with the context. */
    private record Customizer(Set<String> names) implements ContextCustomizer {
        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
            Map<String, Object> properties = new LinkedHashMap<>();
            for (String name : new TreeSet<>(names)) {
                FaultyUpstream server = FaultyUpstream.start();
                context.addApplicationListener(event -> {
                    if (event instanceof ContextClosedEvent closed && closed.getApplicationContext() == context) {
                        server.close();
                    }
                });
                context.getBeanFactory().registerSingleton(FaultyUpstreamBeans.BEAN_PREFIX + name, server);
                properties.put(FaultyUpstreamBeans.property(name), server.baseUri());
            }
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("faultyUpstreams",
                    properties));
        }
    }
}
