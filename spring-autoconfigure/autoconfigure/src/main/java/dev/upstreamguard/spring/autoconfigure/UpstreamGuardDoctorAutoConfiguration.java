package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.doctor.probe.UpstreamProbe;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The {@code upstreams} Actuator endpoint and the {@code upstream.guard.probe.status} gauge, when the doctor
 * ({@code upstream-guard-doctor}) and Actuator are on the class path. The endpoint is exposed only as any other:
 * {@code management.endpoints.web.exposure.include=upstreams}. Its read answer includes the chain check of the running
 * application ({@link RunningChain}).
 */
@AutoConfiguration(after = UpstreamGuardAutoConfiguration.class, afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass({UpstreamProbe.class, WebEndpoint.class})
@ConditionalOnBean(Upstream.class)
@EnableConfigurationProperties(UpstreamProbeProperties.class)
public final class UpstreamGuardDoctorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    UpstreamProber upstreamProber(UpstreamProbeProperties properties, ObjectProvider<MeterRegistry> registry) {
        return new UpstreamProber(properties, registry.getIfUnique());
    }

    @Bean
    @ConditionalOnMissingBean
    UpstreamsEndpoint upstreamsEndpoint(ObjectProvider<Upstream> upstreams, UpstreamProber prober,
            UpstreamGuardProperties properties, ApplicationContext context) {
        List<Upstream> all = upstreams.orderedStream().toList();
        return new UpstreamsEndpoint(all, prober, new RunningChain(properties, context, all, prober));
    }
}
