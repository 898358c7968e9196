package dev.upstreamguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.web.client.RestClient;

class UpstreamGuardAutoConfigurationTests {
    private static FaultyUpstream server;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(UpstreamGuardAutoConfiguration.class));

    @BeforeAll
    static void startServer() {
        server = FaultyUpstream.start(Fault.ok("application/json", "{\"ok\":true}"));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private String[] twoUpstreams() {
        return new String[] { "upstream-guard.upstreams.backend.base-uri=" + server.baseUri(),
                "upstream-guard.upstreams.users.base-uri=" + server.baseUri() + "/users" };
    }

    @Test
    void registersAnUpstreamAndARestClientPerConfiguredUpstream() {
        runner.withPropertyValues(twoUpstreams()).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBeansOfType(Upstream.class)).containsOnlyKeys("backendUpstream", "usersUpstream");
            assertThat(context.getBeansOfType(RestClient.class)).containsOnlyKeys("backendRestClient", "usersRestClient");
            assertThat(context.getBean("usersUpstream", Upstream.class).name()).isEqualTo("users");
            assertThat(context).hasSingleBean(UpstreamFactory.class).hasSingleBean(UpstreamRestClientFactory.class);
        });
    }

    @Test
    void injectsUpstreamAndRestClientByQualifier() {
        runner.withPropertyValues(twoUpstreams()).withUserConfiguration(QualifiedConsumer.class).run(context -> {
            QualifiedConsumer.Injected injected = context.getBean(QualifiedConsumer.Injected.class);
            assertThat(injected.upstream()).isSameAs(context.getBean("usersUpstream"));
            assertThat(injected.client()).isSameAs(context.getBean("usersRestClient"));
        });
    }

    @Test
    void restClientSendsThroughTheUpstreamPolicyToItsBaseUri() {
        try (FaultyUpstream users = FaultyUpstream.start(Fault.ok("application/json", "{\"id\":42}"))) {
            runner.withPropertyValues("upstream-guard.upstreams.users.base-uri=" + users.baseUri() + "/users")
                    .run(context -> {
                        RestClient client = context.getBean("usersRestClient", RestClient.class);
                        assertThat(client.get().uri("/42").retrieve().body(String.class)).isEqualTo("{\"id\":42}");
                        assertThat(users.takeRequest(Duration.ofSeconds(5)).path()).isEqualTo("/users/42");
                    });
        }
    }

    @Test
    void usesRestClientBuilderOfBootWhenPresent() {
        runner.withConfiguration(BootLine.restClient()).withPropertyValues(twoUpstreams())
                .run(context -> assertThat(context).hasNotFailed().hasBean("backendRestClient"));
    }

    @Test
    void registersUpstreamsWhoseNamesHoldDots() {
        runner.withPropertyValues("upstream-guard.upstreams[users.v2].base-uri=" + server.baseUri(),
                "upstream-guard.upstreams[users.v2].attempt-timeout=2s").run(context -> {
                    Upstream upstream = context.getBean("users.v2Upstream", Upstream.class);
                    assertThat(upstream.name()).isEqualTo("users.v2");
                    assertThat(upstream.policy().attemptTimeout()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(context).hasBean("users.v2RestClient");
                });
    }

    @Test
    void registersNothingWithoutConfiguredUpstreams() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(Upstream.class).doesNotHaveBean(RestClient.class);
            assertThat(context).hasSingleBean(UpstreamFactory.class);
        });
    }

    @Test
    void backsOffWhenDisabled() {
        runner.withPropertyValues(twoUpstreams()).withPropertyValues("upstream-guard.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(Upstream.class).doesNotHaveBean(UpstreamFactory.class)
                        .doesNotHaveBean(UpstreamGuardProperties.class));
    }

    @Test
    void backsOffWithoutMicrometer() {
        runner.withPropertyValues(twoUpstreams()).withClassLoader(new FilteredClassLoader(MeterRegistry.class))
                .run(context -> assertThat(context).doesNotHaveBean(Upstream.class).doesNotHaveBean(UpstreamFactory.class));
    }

    @Test
    void backsOffWithoutResilience4j() {
        runner.withPropertyValues(twoUpstreams())
                .withClassLoader(new FilteredClassLoader(CircuitBreakerRegistry.class))
                .run(context -> assertThat(context).doesNotHaveBean(Upstream.class).doesNotHaveBean(UpstreamFactory.class));
    }

    @Test
    void registersUpstreamsButNoRestClientsWithoutSpringWeb() {
        runner.withPropertyValues(twoUpstreams()).withClassLoader(new FilteredClassLoader(RestClient.class))
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(UpstreamRestClientFactory.class);
                    assertThat(context.getBeansOfType(Upstream.class)).hasSize(2);
                    assertThat(context.getBeanNamesForType(RestClient.class)).isEmpty();
                });
    }

    @Test
    void recordsCallsInTheApplicationsMeterRegistry() {
        runner.withPropertyValues(twoUpstreams()).withBean(SimpleMeterRegistry.class).run(context -> {
            context.getBean("backendUpstream", Upstream.class).execute(ClassicRequestBuilder.get("/").build());
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.find("upstream.guard.calls").tag("upstream", "backend").timer().count()).isEqualTo(1);
            assertThat(registry.find("upstream.guard.breaker.state").tag("upstream", "backend").gauge()).isNotNull();
        });
    }

    @Test
    void recordsCallsWithMetricsAutoConfiguration() {
        runner.withConfiguration(BootLine.metrics()).withPropertyValues(twoUpstreams()).run(context -> {
            context.getBean("backendUpstream", Upstream.class).execute(ClassicRequestBuilder.get("/").build());
            assertThat(context.getBean(MeterRegistry.class).find("upstream.guard.calls").timer()).isNotNull();
        });
    }

    @Test
    void takesBreakersFromTheApplicationsCircuitBreakerRegistry() {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
        runner.withPropertyValues(twoUpstreams()).withBean(CircuitBreakerRegistry.class, () -> registry).run(context -> {
            Upstream backend = context.getBean("backendUpstream", Upstream.class);
            assertThat(registry.find("backend")).containsSame(backend.circuitBreaker());
        });
    }

    @Test
    void layersUpstreamSettingsOverUpstreamDefaults() {
        runner.withPropertyValues(twoUpstreams())
                .withPropertyValues("upstream-guard.upstream-defaults.attempt-timeout=2s",
                        "upstream-guard.upstream-defaults.retry.max-attempts=2",
                        "upstream-guard.upstreams.users.attempt-timeout=1500ms",
                        "upstream-guard.upstreams.users.validation.max-body-size=1MB",
                        "upstream-guard.upstreams.users.circuit-breaker.enabled=false")
                .run(context -> {
                    Upstream backend = context.getBean("backendUpstream", Upstream.class);
                    Upstream users = context.getBean("usersUpstream", Upstream.class);
                    assertThat(backend.policy().attemptTimeout()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(users.policy().attemptTimeout()).isEqualTo(Duration.ofMillis(1500));
                    assertThat(users.policy().retry().maxAttempts()).isEqualTo(2);
                    assertThat(users.policy().validation().maxBodyBytes()).isEqualTo(1024 * 1024);
                    assertThat(users.circuitBreaker()).isNull();
                    assertThat(backend.circuitBreaker().getCircuitBreakerConfig().getSlowCallDurationThreshold())
                            .isEqualTo(Duration.ofSeconds(2));
                });
    }

    @Test
    void mapsGlobalSettingsIntoEveryPolicy() {
        runner.withPropertyValues(twoUpstreams())
                .withPropertyValues("upstream-guard.request-timeout=8s", "upstream-guard.deadline-header.name=grpc-timeout",
                        "upstream-guard.correlation.upstream-header=", "upstream-guard.upstreams.backend.keep-alive=5s",
                        "upstream-guard.upstreams.backend.idle-timeout=4s")
                .run(context -> {
                    Upstream backend = context.getBean("backendUpstream", Upstream.class);
                    assertThat(backend.policy().requestTimeout()).isEqualTo(Duration.ofSeconds(8));
                    assertThat(backend.policy().deadlineHeader()).isEqualTo("grpc-timeout");
                    assertThat(backend.policy().correlationHeader()).isNull();
                    assertThat(backend.policy().upstreamKeepAlive()).isEqualTo(Duration.ofSeconds(5));
                });
    }

    @Test
    void mapsMaxConnectionLifetimeAndDefaultsItToFiveMinutes() {
        runner.withPropertyValues(twoUpstreams())
                .withPropertyValues("upstream-guard.upstreams.backend.max-connection-lifetime=90s")
                .run(context -> {
                    assertThat(context.getBean("backendUpstream", Upstream.class).policy().maxConnectionLifetime())
                            .isEqualTo(Duration.ofSeconds(90));
                    assertThat(context.getBean("usersUpstream", Upstream.class).policy().maxConnectionLifetime())
                            .isEqualTo(Duration.ofMinutes(5));
                });
    }

    @Test
    void appliesUpstreamCustomizersInOrder() {
        runner.withPropertyValues(twoUpstreams()).withUserConfiguration(Customizers.class).run(context -> {
            context.getBean("backendUpstream");
            assertThat(context.getBean(Customizers.class).calls).containsSubsequence("first:backend", "second:backend");
        });
    }

    @Test
    void keepsTheApplicationsBeanOfTheSameName() {
        Upstream own = Upstream.builder("mine").build();
        runner.withPropertyValues(twoUpstreams()).withBean("backendUpstream", Upstream.class, () -> own)
                .withBean("backendRestClient", RestClient.class, RestClient::create)
                .run(context -> {
                    assertThat(context.getBean("backendUpstream")).isSameAs(own);
                    assertThat(context.getBeansOfType(Upstream.class)).hasSize(2);
                    assertThat(context.getBeansOfType(RestClient.class)).hasSize(2);
                });
    }

    @Test
    void keepsTheApplicationsUpstreamFactory() {
        runner.withUserConfiguration(OwnFactory.class)
                .run(context -> assertThat(context).getBean(UpstreamFactory.class).isSameAs(context.getBean("ownFactory")));
    }

    @Test
    void closesUpstreamsWithTheContext() {
        List<Upstream> created = new ArrayList<>();
        runner.withPropertyValues(twoUpstreams()).run(context -> created.add(context.getBean("backendUpstream", Upstream.class)));
        assertThat(created).hasSize(1);
        assertThat(catchThrowable(() -> created.get(0).execute(ClassicRequestBuilder.get("/").build()))).isNotNull();
    }

    @Configuration(proxyBeanMethods = false)
    static class QualifiedConsumer {
        record Injected(Upstream upstream, RestClient client) {
        }

        @Bean
        Injected injected(@Qualifier("users") Upstream upstream, @Qualifier("users") RestClient client) {
            return new Injected(upstream, client);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Customizers {
        final List<String> calls = new ArrayList<>();

        @Bean
        @Order(2)
        UpstreamCustomizer second() {
            return (name, builder) -> calls.add("second:" + name);
        }

        @Bean
        @Order(1)
        UpstreamCustomizer first() {
            return (name, builder) -> calls.add("first:" + name);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnFactory {
        @Bean
        UpstreamFactory ownFactory(Environment environment, ObjectProvider<MeterRegistry> meterRegistry,
                ObjectProvider<CircuitBreakerRegistry> breakers, ObjectProvider<UpstreamCustomizer> customizers) {
            return new UpstreamFactory(Binder.get(environment), new UpstreamGuardProperties(), meterRegistry, breakers,
                    customizers);
        }
    }
}
