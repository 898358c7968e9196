package dev.upstreamguard.examples.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.ResourcePropertySource;

/**
 * Starts the {@link BuiltInUpstream} unless {@code upstream-guard.upstreams.backend.base-uri} is configured.
 *
 * <p>It runs once the configuration is read and before the context is created, and adds two property sources
 * at the lowest precedence, so that anything the user sets wins: the base URI of each demo upstream, and the
 * per-route settings of {@code builtin-upstream.properties}. Upstream Guard then creates the upstream beans from
 * those properties as it would for any application. The servers are closed with the context.
 */
final class BuiltInUpstreamStarter implements ApplicationListener<ApplicationEvent> {
    static final String SETTINGS = "builtin-upstream.properties";

    private BuiltInUpstream builtIn;

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
            start(prepared.getEnvironment());
        } else if (event instanceof ApplicationPreparedEvent prepared && builtIn != null) {
            prepared.getApplicationContext().getBeanFactory().registerSingleton("builtInUpstream", builtIn);
        } else if (event instanceof ContextClosedEvent || event instanceof ApplicationFailedEvent) {
            stop();
        }
    }

    private void start(ConfigurableEnvironment environment) {
        if (backendConfigured(environment) || builtIn != null) {
            return;
        }
        builtIn = BuiltInUpstream.start();
        environment.getPropertySources().addLast(new MapPropertySource("builtInUpstream", builtIn.baseUriProperties()));
        try {
            environment.getPropertySources().addLast(
                    new ResourcePropertySource("builtInUpstreamSettings", new ClassPathResource(SETTINGS)));
        } catch (IOException e) {
            stop();
            throw new UncheckedIOException("cannot read " + SETTINGS, e);
        }
    }

    /** Whether the user points {@code backend} somewhere, in any property source (arguments, environment...). */
    static boolean backendConfigured(ConfigurableEnvironment environment) {
        return Binder.get(environment).bind(BuiltInUpstream.baseUriProperty(BuiltInUpstream.BACKEND), String.class)
                .map(uri -> !uri.isBlank())
                .orElse(false);
    }

    private void stop() {
        if (builtIn != null) {
            builtIn.close();
            builtIn = null;
        }
    }
}
