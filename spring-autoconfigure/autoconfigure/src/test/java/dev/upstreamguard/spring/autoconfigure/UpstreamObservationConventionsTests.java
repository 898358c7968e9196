package dev.upstreamguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.spring.observation.UpstreamClientRequestObservationConvention;
import dev.upstreamguard.spring.observation.UpstreamObservationConventions;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.observation.DefaultClientRequestObservationConvention;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * The starter's observation convention: on by default for every upstream's RestClient, named after Boot's
 * {@code management.observations.http.client.requests.name}, replaced by an application's
 * {@link UpstreamObservationConventions} bean; and the {@code error.type} values.
 */
class UpstreamObservationConventionsTests {
    private static final FaultyUpstream BACKEND = FaultyUpstream.start(Fault.ok("fine"));

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(UpstreamGuardAutoConfiguration.class))
            .withUserConfiguration(ObservedBuilder.class)
            .withPropertyValues("upstream-guard.upstreams.backend.base-uri=" + BACKEND.baseUri());

    @AfterAll
    static void stopBackend() {
        BACKEND.close();
    }

    @Test
    void tagsTheUpstreamsCallsUnderBootsObservationName() {
        runner.withPropertyValues("management.observations.http.client.requests.name=outbound").run(context -> {
            context.getBean("backendRestClient", RestClient.class).get().uri("/named").retrieve().toBodilessEntity();
            Timer timer = context.getBean(MeterRegistry.class).get("outbound").timer();
            assertThat(timer.getId().getTag("upstream")).isEqualTo("backend");
            assertThat(timer.getId().getTag("error.type")).isEqualTo("none");
            assertThat(timer.getId().getTag("uri")).isEqualTo("/named");
        });
    }

    @Test
    void anApplicationsConventionsBeanReplacesTheStartersOne() {
        runner.withUserConfiguration(OwnConventions.class).run(context -> {
            assertThat(context).hasSingleBean(UpstreamObservationConventions.class);
            context.getBean("backendRestClient", RestClient.class).get().uri("/own").retrieve().toBodilessEntity();
            Timer timer = context.getBean(MeterRegistry.class).get("own.client.requests").timer();
            assertThat(timer.getId().getTag("upstream")).isNull();
            assertThat(context.getBean(MeterRegistry.class).find("http.client.requests").timers()).isEmpty();
        });
    }

    @Test
    void errorTypeIsTheRfc9209TypeOfTheUpstreamFailureWhereverItIsInTheCauses() {
        UpstreamException refused = UpstreamException.builder("backend", FailureKind.CONNECTION_REFUSED).build();
        assertThat(UpstreamClientRequestObservationConvention.errorType(
                new ResourceAccessException("I/O error", refused))).isEqualTo("connection_refused");
        assertThat(UpstreamClientRequestObservationConvention.errorType(
                UpstreamException.builder("backend", FailureKind.DEADLINE_EXCEEDED).build()))
                .isEqualTo("http_response_timeout");
        assertThat(UpstreamClientRequestObservationConvention.errorType(
                UpstreamException.builder("backend", FailureKind.UPSTREAM_STATUS).build()))
                .isEqualTo("upstream_status");
        assertThat(UpstreamClientRequestObservationConvention.errorType(new IllegalStateException("x")))
                .isEqualTo(UpstreamClientRequestObservationConvention.OTHER);
        assertThat(UpstreamClientRequestObservationConvention.errorType(null))
                .isEqualTo(UpstreamClientRequestObservationConvention.NONE);
    }

    /** A RestClient.Builder observed into a simple registry, as Boot's observation customizer would make it. */
    @Configuration(proxyBeanMethods = false)
    static class ObservedBuilder {
        @Bean
        SimpleMeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        @Bean
        ObservationRegistry observationRegistry(SimpleMeterRegistry meters) {
            ObservationRegistry registry = ObservationRegistry.create();
            registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
            return registry;
        }

        @Bean
        RestClient.Builder restClientBuilder(ObservationRegistry registry) {
            return RestClient.builder().observationRegistry(registry);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnConventions {
        @Bean
        UpstreamObservationConventions ownConventions() {
            return upstream -> new DefaultClientRequestObservationConvention("own.client.requests");
        }
    }
}
