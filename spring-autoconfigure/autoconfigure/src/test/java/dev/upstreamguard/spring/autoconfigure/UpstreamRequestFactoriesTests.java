package dev.upstreamguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

/** The one-liners that guard any RestClient.Builder or RestTemplateBuilder with a named upstream, on every line. */
class UpstreamRequestFactoriesTests {
    private final FaultyUpstream backend = FaultyUpstream.start(Fault.status(502, "upstream page"));
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(UpstreamGuardAutoConfiguration.class,
                    UpstreamGuardRestClientsAutoConfiguration.class))
            .withConfiguration(BootLine.restTemplate())
            .withPropertyValues("upstream-guard.upstreams.backend.base-uri=" + backend.baseUri() + "/api",
                    "upstream-guard.upstreams.backend.retry.max-attempts=3",
                    "upstream-guard.upstreams.backend.retry.initial-backoff=5ms",
                    "upstream-guard.upstreams.backend.retry.max-backoff=10ms",
                    "upstream-guard.upstreams.backend.retry.budget.enabled=false");

    @AfterEach
    void stop() {
        backend.close();
    }

    @Test
    void guardsBootsRestClientBuilderWithTheUpstreamsPolicyAndBaseUri() {
        runner.run(context -> {
            UpstreamRequestFactories upstreams = context.getBean(UpstreamRequestFactories.class);
            RestClient client = context.getBean(RestClient.Builder.class).apply(upstreams.restClient("backend")).build();
            Throwable failure = catchThrowable(() -> client.get().uri("/data").retrieve().body(String.class));
            assertThat(failure).isInstanceOf(ResourceAccessException.class).cause().isInstanceOf(UpstreamException.class);
            UpstreamException cause = (UpstreamException) failure.getCause();
            assertThat(cause.kind()).isEqualTo(FailureKind.UPSTREAM_STATUS);
            assertThat(cause.attempts()).isEqualTo(3);
            assertThat(backend.requests()).hasSize(3).allSatisfy(r -> assertThat(r.path()).isEqualTo("/api/data"));
        });
    }

    @Test
    void guardsBootsRestTemplateBuilderWithARequestFactorySupplier() {
        backend.respond(Fault.ok("text/plain", "fine"));
        runner.run(context -> {
            UpstreamRequestFactories upstreams = context.getBean(UpstreamRequestFactories.class);
            // RestTemplateBuilder's package differs between Boot lines; its methods do not.
            Object builder = context.getBean("restTemplateBuilder");
            Supplier<ClientHttpRequestFactory> factory = () -> upstreams.requestFactory("backend");
            Object guarded = builder.getClass().getMethod("requestFactory", Supplier.class).invoke(builder, factory);
            RestTemplate template = (RestTemplate) guarded.getClass().getMethod("build").invoke(guarded);
            assertThat(template.getForObject(backend.baseUri() + "/api/data", String.class)).isEqualTo("fine");
            assertThat(backend.requests()).singleElement()
                    .satisfies(r -> assertThat(r.header("X-Request-Timeout-Ms")).as("the guard's deadline").isNotNull());
            backend.respond(Fault.status(502, "upstream page"));
            Throwable failure = catchThrowable(() -> template.getForObject(backend.baseUri() + "/api/data", String.class));
            assertThat(failure).cause().isInstanceOf(UpstreamException.class);
            assertThat(backend.requests()).hasSize(4);
        });
    }

    @Test
    void namesThePropertyToDeclareForAnUnknownUpstream() {
        runner.run(context -> {
            UpstreamRequestFactories upstreams = context.getBean(UpstreamRequestFactories.class);
            assertThat(catchThrowable(() -> upstreams.requestFactory("orders")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("upstream-guard.upstreams.orders").hasMessageContaining("[backend]");
        });
    }

    @Test
    void isAbsentWhenUpstreamGuardIsOff() {
        runner.withPropertyValues("upstream-guard.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(UpstreamRequestFactories.class));
    }
}
