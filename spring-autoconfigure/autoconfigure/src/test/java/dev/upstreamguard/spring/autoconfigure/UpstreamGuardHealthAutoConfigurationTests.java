package dev.upstreamguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import java.util.Map;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.test.util.ReflectionTestUtils;

class UpstreamGuardHealthAutoConfigurationTests {
    private static final String CONTRIBUTOR = "upstreamGuardHealthContributor";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(UpstreamGuardAutoConfiguration.class, BootLine.health()))
            .withPropertyValues("upstream-guard.upstreams.backend.base-uri=http://127.0.0.1:" + FaultyUpstream.refusedPort(),
                    "upstream-guard.upstreams.backend.retry.max-attempts=1",
                    "upstream-guard.upstreams.users.base-uri=http://127.0.0.1:9");

    @Test
    void registersAHealthIndicatorPerUpstreamUnderUpstreamGuard() {
        runner.run(context -> {
            Object contributor = context.getBean(CONTRIBUTOR);
            assertThat(status(member(contributor, "backend"))).isEqualTo("UP");
            assertThat(status(member(contributor, "users"))).isEqualTo("UP");
            assertThat(member(contributor, "nope")).isNull();
        });
    }

    @Test
    void reportsTheLastFailureKindAndTheBreakerState() {
        runner.run(context -> {
            Upstream backend = context.getBean("backendUpstream", Upstream.class);
            assertThat(catchThrowable(() -> backend.execute(ClassicRequestBuilder.get("/").build()))).isNotNull();
            backend.circuitBreaker().transitionToOpenState();
            Object health = ReflectionTestUtils.invokeMethod(member(context.getBean(CONTRIBUTOR), "backend"), "health");
            assertThat(status(member(context.getBean(CONTRIBUTOR), "backend"))).isEqualTo("CIRCUIT_OPEN");
            Map<String, Object> details = ReflectionTestUtils.invokeMethod(health, "getDetails");
            assertThat(details).containsEntry("circuitBreaker", "OPEN")
                    .containsEntry("lastFailureKind", "connection_refused").containsKey("connections");
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void showsWhichAddressesThePoolHoldsConnectionsTo() throws Exception {
        try (FaultyUpstream server = FaultyUpstream.start(Fault.ok("fine"))) {
            Upstream upstream = Upstream.builder("moved").baseUri(server.baseUri()).build();
            try (upstream) {
                assertThat((Map<String, Object>) UpstreamHealth.of(upstream).details().get("connections"))
                        .containsEntry("addresses", Map.of());
                upstream.execute(ClassicRequestBuilder.get("/").build());

                assertThat((Map<String, Object>) UpstreamHealth.of(upstream).details().get("connections"))
                        .containsEntry("addresses", Map.of("127.0.0.1:" + server.port(), 1))
                        .containsEntry("available", 1);
            }
        }
    }

    @Test
    void reportsAHalfOpenBreaker() {
        runner.run(context -> {
            Upstream users = context.getBean("usersUpstream", Upstream.class);
            users.circuitBreaker().transitionToOpenState();
            users.circuitBreaker().transitionToHalfOpenState();
            assertThat(UpstreamHealth.of(users).status()).isEqualTo("CIRCUIT_HALF_OPEN");
        });
    }

    @Test
    void reportsUpWhenTheBreakerIsDisabled() {
        runner.withPropertyValues("upstream-guard.upstreams.users.circuit-breaker.enabled=false").run(context -> {
            UpstreamHealth health = UpstreamHealth.of(context.getBean("usersUpstream", Upstream.class));
            assertThat(health.status()).isEqualTo("UP");
            assertThat(health.details()).containsEntry("circuitBreaker", "DISABLED").containsEntry("lastFailureKind", "none");
        });
    }

    @Test
    void backsOffWithoutActuatorsHealthApi() {
        runner.withClassLoader(new FilteredClassLoader(BootLine.HEALTH_PACKAGE))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(CONTRIBUTOR).hasBean("backendUpstream"));
    }

    @Test
    void theContributorIsFoundByTheHealthApisContributorType() {
        runner.run(context -> {
            assertThat(context.getBeansOfType(BootLine.healthContributorType())).containsOnlyKeys(CONTRIBUTOR);
        });
    }

    @Test
    void backsOffWhenTheHealthIndicatorIsDisabled() {
        runner.withPropertyValues("management.health.upstream-guard.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(CONTRIBUTOR));
    }

    @Test
    void backsOffWithoutUpstreams() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(UpstreamGuardAutoConfiguration.class,
                BootLine.health())).run(context -> assertThat(context).doesNotHaveBean(CONTRIBUTOR));
    }

    @Test
    void keepsTheApplicationsContributor() {
        Object own = new Object();
        runner.withBean(CONTRIBUTOR, Object.class, () -> own)
                .run(context -> assertThat(context.getBean(CONTRIBUTOR)).isSameAs(own));
    }

    private static Object member(Object composite, String name) {
        return ReflectionTestUtils.invokeMethod(composite, "getContributor", name);
    }

    private static String status(Object indicator) {
        Object health = ReflectionTestUtils.invokeMethod(indicator, "health");
        Object status = ReflectionTestUtils.invokeMethod(health, "getStatus");
        return ReflectionTestUtils.invokeMethod(status, "getCode");
    }
}
