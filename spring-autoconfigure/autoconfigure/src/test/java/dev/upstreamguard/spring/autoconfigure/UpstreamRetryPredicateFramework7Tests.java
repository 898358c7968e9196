package dev.upstreamguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.core.classify.RequestSent;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.spring.retry.UpstreamRetryPredicate;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.resilience.annotation.EnableResilientMethods;
import org.springframework.resilience.annotation.Retryable;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/** Framework 7's @Retryable with UpstreamRetryPredicate does not retry what the guard retried or refused. */
class UpstreamRetryPredicateFramework7Tests {
    private final FaultyUpstream backend = FaultyUpstream.start(Fault.status(502, "bad"));
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(UpstreamGuardAutoConfiguration.class))
            .withUserConfiguration(RetryingClientConfiguration.class)
            .withPropertyValues("upstream-guard.upstream-defaults.retry.initial-backoff=1ms",
                    "upstream-guard.upstream-defaults.retry.max-backoff=2ms",
                    "upstream-guard.upstream-defaults.circuit-breaker.minimum-number-of-calls=100",
                    "upstream-guard.upstream-defaults.circuit-breaker.sliding-window-size=100");

    @AfterEach
    void stop() {
        backend.close();
    }

    @Test
    void doesNotRetryWhatTheGuardAlreadyRetried() {
        runner.withPropertyValues("upstream-guard.upstreams.backend.base-uri=" + backend.baseUri(),
                "upstream-guard.upstreams.backend.retry.max-attempts=3",
                "upstream-guard.upstreams.backend.retry.budget.enabled=false").run(context -> {
                    RetryingClient client = context.getBean(RetryingClient.class);
                    assertThat(catchThrowable(client::get)).isInstanceOf(ResourceAccessException.class);
                    assertThat(client.invocations()).isEqualTo(1);
                    assertThat(backend.requests()).hasSize(3);
                });
    }

    @Test
    void retriesARefusedConnectionWhenTheGuardsOwnRetriesAreOff() {
        runner.withPropertyValues("upstream-guard.upstreams.backend.base-uri=http://127.0.0.1:" + FaultyUpstream.refusedPort(),
                "upstream-guard.upstreams.backend.retry.max-attempts=1").run(context -> {
                    RetryingClient client = context.getBean(RetryingClient.class);
                    assertThat(catchThrowable(client::get)).isInstanceOf(ResourceAccessException.class);
                    assertThat(client.invocations()).as("1 call + @Retryable's 2 retries").isEqualTo(3);
                });
    }

    @Test
    void doesNotRetryWhenTheGuardsBudgetStoppedItsRetries() {
        runner.withPropertyValues("upstream-guard.upstreams.backend.base-uri=http://127.0.0.1:" + FaultyUpstream.refusedPort(),
                "upstream-guard.upstreams.backend.retry.max-attempts=3",
                "upstream-guard.upstreams.backend.retry.budget.ratio=0",
                "upstream-guard.upstreams.backend.retry.budget.min-retries-per-second=0").run(context -> {
                    RetryingClient client = context.getBean(RetryingClient.class);
                    Throwable failure = catchThrowable(client::get);
                    assertThat(UpstreamRetryPredicate.upstreamFailure(failure).details()).contains("retry budget exhausted");
                    assertThat(client.invocations()).isEqualTo(1);
                });
    }

    @Test
    void doesNotRetryWhileTheBreakerIsOpen() {
        runner.withPropertyValues("upstream-guard.upstreams.backend.base-uri=" + backend.baseUri()).run(context -> {
            context.getBean("backendUpstream", Upstream.class).circuitBreaker().transitionToOpenState();
            RetryingClient client = context.getBean(RetryingClient.class);
            Throwable failure = catchThrowable(client::get);
            assertThat(UpstreamRetryPredicate.upstreamFailure(failure).kind()).isEqualTo(FailureKind.CIRCUIT_OPEN);
            assertThat(client.invocations()).isEqualTo(1);
            assertThat(backend.requests()).isEmpty();
        });
    }

    @Test
    void doesNotRetryAPostTheUpstreamReceived() {
        runner.withPropertyValues("upstream-guard.upstreams.backend.base-uri=" + backend.baseUri(),
                "upstream-guard.upstreams.backend.retry.max-attempts=1").run(context -> {
                    RetryingClient client = context.getBean(RetryingClient.class);
                    assertThat(catchThrowable(client::post)).isInstanceOf(ResourceAccessException.class);
                    assertThat(client.invocations()).isEqualTo(1);
                    assertThat(backend.requests()).hasSize(1);
                });
    }

    @Test
    void classifiesEachKindOfUpstreamFailure() {
        assertThat(UpstreamRetryPredicate.shouldRetry(failure(FailureKind.CONNECTION_REFUSED, 1, null))).isTrue();
        assertThat(UpstreamRetryPredicate.shouldRetry(new ResourceAccessException("io",
                failure(FailureKind.CONNECTION_TIMEOUT, 1, null)))).isTrue();
        assertThat(UpstreamRetryPredicate.shouldRetry(failure(FailureKind.CONNECTION_REFUSED, 2, null))).isFalse();
        assertThat(UpstreamRetryPredicate.shouldRetry(failure(FailureKind.CIRCUIT_OPEN, 0, null))).isFalse();
        assertThat(UpstreamRetryPredicate.shouldRetry(failure(FailureKind.CONNECTION_LIMIT_REACHED, 0, null))).isFalse();
        assertThat(UpstreamRetryPredicate.shouldRetry(failure(FailureKind.DEADLINE_EXCEEDED, 0, null))).isFalse();
        assertThat(UpstreamRetryPredicate.shouldRetry(failure(FailureKind.CONNECTION_REFUSED, 1,
                "connection refused; deadline reached"))).isFalse();
        assertThat(UpstreamRetryPredicate.shouldRetry(failure(FailureKind.CONFIGURATION_ERROR, 1, null))).isFalse();
        assertThat(UpstreamRetryPredicate.shouldRetry(UpstreamException.builder("backend", FailureKind.UPSTREAM_STATUS)
                .attempts(1).receivedStatus(503).requestSent(RequestSent.YES).build())).isFalse();
        assertThat(UpstreamRetryPredicate.shouldRetry(failure(FailureKind.HTTP_RESPONSE_TIMEOUT, 1, null)))
                .as("maybe sent").isFalse();
        assertThat(UpstreamRetryPredicate.shouldRetry(new IOException("not an upstream's"))).isTrue();
    }

    private static UpstreamException failure(FailureKind kind, int attempts, String details) {
        UpstreamException.Builder b = UpstreamException.builder("backend", kind).attempts(attempts);
        return (details == null ? b : b.details(details)).build();
    }

    @Configuration(proxyBeanMethods = false)
    @EnableResilientMethods
    static class RetryingClientConfiguration {
        @Bean
        RetryingClient retryingClient(@Qualifier("backend") RestClient backend) {
            return new RetryingClient(backend);
        }
    }

    /** An application service retrying its upstream call with Framework 7's @Retryable. */
    static class RetryingClient {
        private final AtomicInteger invocations = new AtomicInteger();
        private final RestClient backend;

        RetryingClient(RestClient backend) {
            this.backend = backend;
        }

        /** Calls of the annotated methods, retries included (a method: fields of the proxy are not the bean's). */
        public int invocations() {
            return invocations.get();
        }

        @Retryable(predicate = UpstreamRetryPredicate.class, maxRetries = 2, delay = 1)
        public String get() {
            invocations.incrementAndGet();
            return backend.get().uri("/").retrieve().body(String.class);
        }

        @Retryable(predicate = UpstreamRetryPredicate.class, maxRetries = 2, delay = 1)
        public String post() {
            invocations.incrementAndGet();
            return backend.post().uri("/").body("order").retrieve().body(String.class);
        }
    }
}
