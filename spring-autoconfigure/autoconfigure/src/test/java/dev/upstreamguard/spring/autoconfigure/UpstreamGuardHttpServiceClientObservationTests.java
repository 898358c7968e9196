package dev.upstreamguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.test.RecordedRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.OrderComparator;
import org.springframework.web.client.support.RestClientHttpServiceGroupConfigurer;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.registry.ImportHttpServices;

/**
 * HTTP service clients of a group named like an upstream, with Micrometer Tracing's OpenTelemetry bridge: one
 * {@code traceparent} (the client span's) reaches the upstream, and the group's {@code http.client.requests}
 * observations carry the upstream's tags although Boot's observation customizer runs after the guard's configurer.
 */
class UpstreamGuardHttpServiceClientObservationTests {
    private static FaultyUpstream backend;
    private static ConfigurableApplicationContext context;

    @BeforeAll
    static void start() {
        backend = FaultyUpstream.start(Fault.ok("text/plain", "data"));
        context = new SpringApplicationBuilder(GroupApplication.class).properties(
                "spring.main.web-application-type=none",
                "management.tracing.sampling.probability=1.0",
                "upstream-guard.upstreams.backend.base-uri=" + backend.baseUri() + "/guarded",
                "spring.http.serviceclient.plain.base-url=" + backend.baseUri() + "/plain").run();
    }

    @AfterAll
    static void stop() {
        try {
            if (context != null) {
                context.close();
            }
        } finally {
            backend.close();
        }
    }

    @Test
    void sendsOneTraceparentOfTheGroupClientsSpanAndTagsItsObservationWithTheUpstream() {
        Tracer tracer = context.getBean(Tracer.class);
        Span caller = tracer.nextSpan().name("caller").start();
        try (Tracer.SpanInScope ignored = tracer.withSpan(caller)) {
            assertThat(context.getBean(BackendApi.class).data()).isEqualTo("data");
        } finally {
            caller.end();
        }
        List<String> sent = request("/guarded/data").headers().get("traceparent");
        assertThat(sent).as("traceparent headers sent upstream").hasSize(1);
        assertThat(sent.get(0)).matches("00-" + caller.context().traceId() + "-[0-9a-f]{16}-0[13]")
                .doesNotContain("-" + caller.context().spanId() + "-");

        Timer timer = context.getBean(MeterRegistry.class).get("http.client.requests").tag("upstream", "backend")
                .timer();
        assertThat(timer.count()).isEqualTo(1);
        assertThat(timer.getId().getTag("error.type")).isEqualTo("none");
    }

    @Test
    void leavesTheObservationsOfAGroupThatNamesNoUpstreamAlone() {
        assertThat(context.getBean(PlainApi.class).data()).isEqualTo("data");
        request("/plain/data");
        Timer timer = context.getBean(MeterRegistry.class).get("http.client.requests").tag("uri", "/plain/data")
                .timer();
        assertThat(timer.getId().getTag("upstream")).isNull();
        assertThat(timer.getId().getTag("error.type")).isNull();
    }

    @Test
    void setsTheConventionAfterTheConfigurerApplyingRestClientCustomizers() {
        List<String> order = context.getBeansOfType(RestClientHttpServiceGroupConfigurer.class).values().stream()
                .sorted(OrderComparator.INSTANCE).map(c -> c.getClass().getSimpleName()).toList();
        assertThat(order).containsSubsequence("UpstreamHttpServiceGroupConfigurer",
                "RestClientCustomizerHttpServiceGroupConfigurer", "UpstreamHttpServiceGroupObservations");
    }

    private static RecordedRequest request(String path) {
        return await().atMost(Duration.ofSeconds(5)).until(
                () -> backend.requests().stream().filter(r -> r.path().equals(path)).findFirst(),
                Optional::isPresent).orElseThrow();
    }

    /** The upstream's API. */
    interface BackendApi {
        @GetExchange("/data")
        String data();
    }

    /** A group that names no upstream. */
    interface PlainApi {
        @GetExchange("/data")
        String data();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @ImportHttpServices(group = "backend", types = BackendApi.class)
    @ImportHttpServices(group = "plain", types = PlainApi.class)
    static class GroupApplication {
    }
}
