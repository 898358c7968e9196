package dev.upstreamguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class UpstreamGuardStartupFailureTests {
    private static final String BACKEND = "upstream-guard.upstreams.backend";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(UpstreamGuardAutoConfiguration.class))
            .withPropertyValues(BACKEND + ".base-uri=http://127.0.0.1:9");

    private final WebApplicationContextRunner webRunner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(UpstreamGuardAutoConfiguration.class,
                    UpstreamGuardServletAutoConfiguration.class));

    @Test
    void failsWhenConnectTimeoutExceedsAttemptTimeout() {
        runner.withPropertyValues(BACKEND + ".connect-timeout=5s").run(context -> {
            FailureAnalysis analysis = analyze(context);
            assertThat(analysis.getDescription()).contains("Property: " + BACKEND + ".connect-timeout")
                    .contains("Value:    5s")
                    .contains(BACKEND + ".connect-timeout (5s) must be <= " + BACKEND + ".attempt-timeout (3s)");
            assertThat(analysis.getAction()).contains("- " + BACKEND + ".connect-timeout: lower " + BACKEND
                    + ".connect-timeout or raise " + BACKEND + ".attempt-timeout");
        });
    }

    @Test
    void failsWhenAttemptTimeoutExceedsRequestTimeout() {
        runner.withPropertyValues("upstream-guard.request-timeout=2s").run(context -> {
            FailureAnalysis analysis = analyze(context);
            assertThat(analysis.getDescription()).contains("Property: " + BACKEND + ".attempt-timeout")
                    .contains("Value:    3s").contains("must be <= upstream-guard.request-timeout (2s)");
            assertThat(analysis.getAction()).contains("raise upstream-guard.request-timeout");
        });
    }

    @Test
    void failsWhenPoolLeaseTimeoutExceedsAttemptTimeout() {
        runner.withPropertyValues(BACKEND + ".attempt-timeout=400ms", BACKEND + ".connect-timeout=300ms").run(context -> {
            FailureAnalysis analysis = analyze(context);
            assertThat(analysis.getDescription()).contains("Property: " + BACKEND + ".pool-lease-timeout")
                    .contains("Value:    500ms");
            assertThat(analysis.getAction()).contains("lower " + BACKEND + ".pool-lease-timeout");
        });
    }

    @Test
    void failsWhenIdleTimeoutOutlivesTheUpstreamsKeepAlive() {
        runner.withPropertyValues(BACKEND + ".keep-alive=5s").run(context -> {
            FailureAnalysis analysis = analyze(context);
            assertThat(analysis.getDescription()).contains("Property: " + BACKEND + ".idle-timeout")
                    .contains("Value:    30s").contains(BACKEND + ".keep-alive (5s)");
            assertThat(analysis.getAction()).contains("lower " + BACKEND + ".idle-timeout to at most 4s");
        });
    }

    @Test
    void failsWhenSlowCallThresholdExceedsAttemptTimeout() {
        runner.withPropertyValues(BACKEND + ".circuit-breaker.slow-call-duration-threshold=5s").run(context -> {
            FailureAnalysis analysis = analyze(context);
            assertThat(analysis.getDescription())
                    .contains("Property: " + BACKEND + ".circuit-breaker.slow-call-duration-threshold")
                    .contains("Value:    5s");
            assertThat(analysis.getAction()).contains(BACKEND + ".circuit-breaker.slow-call-duration-threshold: lower " + BACKEND
                    + ".circuit-breaker.slow-call-duration-threshold");
        });
    }

    @Test
    void failsWhenTimeBasedBreakerWindowIsShorterThanTwoAttempts() {
        runner.withPropertyValues(BACKEND + ".circuit-breaker.sliding-window-type=time-based",
                BACKEND + ".circuit-breaker.sliding-window-size=5").run(context -> {
                    FailureAnalysis analysis = analyze(context);
                    assertThat(analysis.getDescription())
                            .contains("Property: " + BACKEND + ".circuit-breaker.sliding-window-size")
                            .contains("Value:    5s");
                    assertThat(analysis.getAction()).contains("raise " + BACKEND + ".circuit-breaker.sliding-window-size");
                });
    }

    @Test
    void reportsEveryProblemAtOnce() {
        runner.withPropertyValues(BACKEND + ".connect-timeout=5s", BACKEND + ".keep-alive=5s").run(context -> {
            FailureAnalysis analysis = analyze(context);
            assertThat(analysis.getDescription()).contains("(2 problems)")
                    .contains("Property: " + BACKEND + ".connect-timeout").contains("Property: " + BACKEND + ".idle-timeout");
        });
    }

    @Test
    void failsOnOutOfRangeValuesNamingTheRule() {
        runner.withPropertyValues(BACKEND + ".max-concurrent-calls=0", BACKEND + ".retry.max-attempts=11").run(context -> {
            FailureAnalysis analysis = analyze(context);
            assertThat(analysis.getDescription()).contains("Property: " + BACKEND + ".max-concurrent-calls")
                    .contains("Value:    0").contains("Property: " + BACKEND + ".retry.max-attempts")
                    .contains("Value:    11");
            assertThat(analysis.getAction()).contains(BACKEND + ".max-concurrent-calls must be 1..10000")
                    .contains("maxAttempts must be 1..10");
        });
    }

    @Test
    void leavesUnconvertibleValuesToBootsBindingAnalysis() {
        runner.withPropertyValues(BACKEND + ".connect-timeout=soon").run(context -> {
            assertThat(context).hasFailed();
            Throwable failure = context.getStartupFailure();
            while (!(failure instanceof org.springframework.boot.context.properties.bind.BindException)
                    && failure.getCause() != null) {
                failure = failure.getCause();
            }
            assertThat(failure).isInstanceOf(org.springframework.boot.context.properties.bind.BindException.class)
                    .hasMessageContaining("upstream-guard.upstreams.backend.connect-timeout");
        });
    }

    @Test
    void failsOnInvalidBaseUri() {
        runner.withPropertyValues(BACKEND + ".base-uri=ftp://files.internal").run(context -> {
            FailureAnalysis analysis = analyze(context);
            assertThat(analysis.getDescription()).contains("Property: " + BACKEND + ".base-uri")
                    .contains("Value:    ftp://files.internal").contains("absolute http or https URI");
        });
    }

    @Test
    void failsOnInvalidUpstreamName() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(UpstreamGuardAutoConfiguration.class))
                .withPropertyValues("upstream-guard.upstreams[bad/name].base-uri=http://127.0.0.1:9").run(context -> {
                    FailureAnalysis analysis = analyze(context);
                    assertThat(analysis.getDescription()).contains("Property: upstream-guard.upstreams.bad/name")
                            .contains("1..64 characters");
                });
    }

    @Test
    void failsOnInvalidValidationAndBudgetSettings() {
        runner.withPropertyValues(BACKEND + ".validation.content-types=json", BACKEND + ".validation.statuses=299-200",
                BACKEND + ".retry.budget.ratio=1.5").run(context -> {
                    FailureAnalysis analysis = analyze(context);
                    assertThat(analysis.getDescription()).contains("Property: " + BACKEND + ".validation.content-types")
                            .contains("Property: " + BACKEND + ".validation.statuses")
                            .contains("Property: " + BACKEND + ".retry.budget.ratio").contains("Value:    1.5");
                });
    }

    @Test
    void failsWhenRequestTimeoutDoesNotEndBeforeTheFrontProxyTimeout() {
        runner.withPropertyValues("upstream-guard.request-timeout=60s", "upstream-guard.front-proxy-timeout=60s")
                .run(context -> {
                    FailureAnalysis analysis = analyze(context);
                    assertThat(analysis.getDescription()).contains("Property: upstream-guard.request-timeout")
                            .contains("Value:    60s").contains("must be < upstream-guard.front-proxy-timeout (60s)");
                    assertThat(analysis.getAction())
                            .contains("lower upstream-guard.request-timeout to at most 58999ms");
                });
    }

    @Test
    void warnsInsteadOfFailingWhenAlignmentViolationsAreWarnings(CapturedOutput output) {
        runner.withPropertyValues("upstream-guard.request-timeout=60s", "upstream-guard.front-proxy-timeout=60s",
                "upstream-guard.alignment-violations=warn").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output).contains("WARN").contains("Property: upstream-guard.request-timeout");
                });
    }

    @Test
    void failsWhenTomcatsDefaultKeepAliveTiesTheFrontProxyIdleTimeout() {
        webRunner.withPropertyValues("upstream-guard.front-proxy-idle-timeout=60s").run(context -> {
            FailureAnalysis analysis = analyze(context);
            assertThat(analysis.getDescription()).contains("Property: server.tomcat.keep-alive-timeout")
                    .contains("Value:    60s").contains("Tomcat's default")
                    .contains("must be longer than upstream-guard.front-proxy-idle-timeout (60s)");
            assertThat(analysis.getAction()).contains("set server.tomcat.keep-alive-timeout to more than 61s (e.g. 65s)");
        });
    }

    @Test
    void acceptsTomcatKeepAliveLongerThanFrontProxyIdleTimeoutAndMargin() {
        webRunner.withPropertyValues("upstream-guard.front-proxy-idle-timeout=60s",
                "server.tomcat.keep-alive-timeout=62s").run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void readsTomcatConnectionTimeoutWhenKeepAliveTimeoutIsUnset() {
        webRunner.withPropertyValues("upstream-guard.front-proxy-idle-timeout=60s",
                "server.tomcat.connection-timeout=61000").run(context -> {
                    FailureAnalysis analysis = analyze(context);
                    assertThat(analysis.getDescription()).contains("Value:    61s")
                            .contains("from server.tomcat.connection-timeout");
                });
    }

    @Test
    void failsWhenJettysIdleTimeoutIsShorterThanTheFrontProxyIdleTimeout() {
        webRunner.withClassLoader(new FilteredClassLoader("org.apache.catalina"))
                .withPropertyValues("upstream-guard.front-proxy-idle-timeout=60s").run(context -> {
                    FailureAnalysis analysis = analyze(context);
                    assertThat(analysis.getDescription()).contains("Property: server.jetty.connection-idle-timeout")
                            .contains("Value:    30s").contains("Jetty's default");
                    assertThat(analysis.getAction()).contains("set server.jetty.connection-idle-timeout to more than 61s");
                });
    }

    @Test
    void warnsOnKeepAliveMisalignmentWhenAsked(CapturedOutput output) {
        webRunner.withPropertyValues("upstream-guard.front-proxy-idle-timeout=60s",
                "upstream-guard.alignment-violations=warn").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output).contains("Property: server.tomcat.keep-alive-timeout");
                });
    }

    @Test
    void skipsTheKeepAliveCheckOutsideAWebApplication() {
        runner.withPropertyValues("upstream-guard.front-proxy-idle-timeout=60s")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void failsOnInvalidFilterSettings() {
        webRunner.withPropertyValues("upstream-guard.correlation.response-header=X Bad",
                "upstream-guard.error-page.template-locations=/srv/templates").run(context -> {
                    FailureAnalysis analysis = analyze(context);
                    assertThat(analysis.getDescription()).contains("Property: upstream-guard.correlation.response-header")
                            .contains("Value:    X Bad")
                            .contains("Reason:   upstream-guard.correlation.response-header must be a token")
                            .contains("Property: upstream-guard.error-page.template-locations")
                            .contains("Value:    /srv/templates");
                });
    }

    @Test
    void springBootPrintsTheAnalysisWhenStartupFails(CapturedOutput output) {
        SpringApplication application = new SpringApplication(MisalignedApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setDefaultProperties(java.util.Map.of(BACKEND + ".base-uri", "http://127.0.0.1:9",
                BACKEND + ".connect-timeout", "5s"));
        assertThatThrownBy(application::run).hasRootCauseInstanceOf(UpstreamGuardConfigurationException.class);
        assertThat(output).contains("APPLICATION FAILED TO START").contains("Upstream Guard's configuration is invalid")
                .contains("Property: " + BACKEND + ".connect-timeout");
    }

    private static FailureAnalysis analyze(AssertableApplicationContext context) {
        return analyze(context.getStartupFailure());
    }

    private static FailureAnalysis analyze(AssertableWebApplicationContext context) {
        return analyze(context.getStartupFailure());
    }

    private static FailureAnalysis analyze(Throwable failure) {
        assertThat(failure).as("start-up failure").isNotNull();
        FailureAnalysis analysis = new UpstreamGuardFailureAnalyzer().analyze(failure);
        assertThat(analysis).as("analysis of " + failure).isNotNull();
        return analysis;
    }

    @SpringBootConfiguration
    @ImportAutoConfiguration(UpstreamGuardAutoConfiguration.class)
    static class MisalignedApplication {
    }
}
