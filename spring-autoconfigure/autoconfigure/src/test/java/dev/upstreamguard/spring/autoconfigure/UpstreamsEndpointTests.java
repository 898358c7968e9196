package dev.upstreamguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class UpstreamsEndpointTests {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(UpstreamGuardAutoConfiguration.class,
                    UpstreamGuardDoctorAutoConfiguration.class))
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withPropertyValues("upstream-guard.probe.budget=5s", "upstream-guard.probe.idle=200ms",
                    "upstream-guard.upstreams.down.base-uri=http://127.0.0.1:" + FaultyUpstream.refusedPort(),
                    "upstream-guard.upstreams.down.retry.max-attempts=1");

    @Test
    void listsEveryUpstreamWithPolicyBreakerPoolAndLastFailure() {
        runner.run(context -> {
            Map<String, Object> all = context.getBean(UpstreamsEndpoint.class).upstreams();
            @SuppressWarnings("unchecked")
            Map<String, Object> down = (Map<String, Object>) ((Map<String, Object>) all.get("upstreams")).get("down");
            assertThat(down).containsEntry("circuitBreaker", "CLOSED").containsEntry("lastFailure", null)
                    .containsEntry("lastProbe", null).containsKeys("pool", "policy");
            assertThat((Map<String, Object>) down.get("policy")).containsEntry("connectTimeout", "PT1S")
                    .containsEntry("maxAttempts", 1);
        });
    }

    @Test
    void probesAnUpstreamOnDemandAndPublishesTheGauge() {
        runner.run(context -> {
            UpstreamsEndpoint endpoint = context.getBean(UpstreamsEndpoint.class);
            WebEndpointResponse<Map<String, Object>> response = endpoint.probe("down");

            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.getBody()).containsEntry("verdict", "failed").containsEntry("phase", "connect")
                    .containsEntry("errorType", "connection_refused");
            Gauge gauge = context.getBean(MeterRegistry.class).get("upstream.guard.probe.status")
                    .tags("upstream", "down", "phase", "connect", "reason", "connection_refused").gauge();
            assertThat(gauge.value()).isEqualTo(2.0);
            assertThat(endpoint.upstream("down").getBody().get("lastProbe").toString())
                    .contains("verdict=failed", "reason=connection_refused");
        });
    }

    @Test
    void aHealthyUpstreamGaugesZeroWithPhaseNoneAndReasonOk() {
        try (FaultyUpstream server = FaultyUpstream.start(Fault.ok("fine"))) {
            runner.withPropertyValues("upstream-guard.upstreams.up.base-uri=" + server.baseUri()).run(context -> {
                WebEndpointResponse<Map<String, Object>> response = context.getBean(UpstreamsEndpoint.class)
                        .probe("up");

                assertThat(response.getBody()).as(response.getBody().toString()).containsEntry("verdict", "ok");
                assertThat(context.getBean(MeterRegistry.class).get("upstream.guard.probe.status")
                        .tags("upstream", "up", "phase", "none", "reason", "ok").gauge().value()).isZero();
            });
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void showsTheAddressesThePoolHoldsConnectionsTo() {
        try (FaultyUpstream server = FaultyUpstream.start(Fault.ok("fine"))) {
            runner.withPropertyValues("upstream-guard.upstreams.up.base-uri=" + server.baseUri()).run(context -> {
                dev.upstreamguard.core.Upstream up = context.getBean("upUpstream", dev.upstreamguard.core.Upstream.class);
                up.execute(org.apache.hc.core5.http.io.support.ClassicRequestBuilder.get("/").build());

                Map<String, Object> pool = (Map<String, Object>) context.getBean(UpstreamsEndpoint.class)
                        .upstream("up").getBody().get("pool");
                assertThat(pool).containsEntry("leased", 0).containsEntry("available", 1)
                        .containsEntry("addresses", Map.of("127.0.0.1:" + server.port(), 1));
            });
        }
    }

    @Test
    void runsAtMostOneProbeAtATimePerUpstream() {
        try (FaultyUpstream server = FaultyUpstream.start(Fault.blackhole())) {
            runner.withPropertyValues("upstream-guard.upstreams.stuck.base-uri=" + server.baseUri(),
                    "upstream-guard.probe.budget=3s").run(context -> {
                UpstreamsEndpoint endpoint = context.getBean(UpstreamsEndpoint.class);
                UpstreamProber prober = context.getBean(UpstreamProber.class);
                CompletableFuture<WebEndpointResponse<Map<String, Object>>> first =
                        CompletableFuture.supplyAsync(() -> endpoint.probe("stuck"));
                await().atMost(Duration.ofSeconds(5)).until(() -> prober.isRunning("stuck"));

                WebEndpointResponse<Map<String, Object>> second = endpoint.probe("stuck");

                assertThat(second.getStatus()).isEqualTo(429);
                assertThat(first.get().getStatus()).isEqualTo(200);
                assertThat(first.get().getBody()).containsEntry("errorType", "http_response_timeout");
                assertThat(prober.isRunning("stuck")).isFalse();
            });
        }
    }

    @Test
    void unknownUpstreamIsNotFound() {
        runner.run(context -> {
            UpstreamsEndpoint endpoint = context.getBean(UpstreamsEndpoint.class);
            assertThat(endpoint.probe("nope").getStatus()).isEqualTo(404);
            assertThat(endpoint.upstream("nope").getStatus()).isEqualTo(404);
        });
    }

    @Test
    void backsOffWithoutTheDoctor() {
        runner.withClassLoader(new FilteredClassLoader("dev.upstreamguard.doctor"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(UpstreamsEndpoint.class)
                        .hasBean("downUpstream"));
    }
}
