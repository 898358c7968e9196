package dev.upstreamguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.servlet.UpstreamGuardConfig;
import dev.upstreamguard.servlet.UpstreamGuardFilter;
import dev.upstreamguard.servlet.spi.ErrorRenderer;
import dev.upstreamguard.servlet.spi.ErrorView;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.DispatcherType;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;

class UpstreamGuardServletAutoConfigurationTests {
    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(UpstreamGuardAutoConfiguration.class,
                    UpstreamGuardServletAutoConfiguration.class));

    @Test
    void registersTheFilterAtTheDocumentedOrderForRequestAsyncAndErrorDispatches() {
        runner.run(context -> {
            FilterRegistrationBean<?> registration = context.getBean("upstreamGuardFilterRegistration",
                    FilterRegistrationBean.class);
            assertThat(registration.getFilter()).isInstanceOf(UpstreamGuardFilter.class);
            assertThat(registration.getOrder()).isEqualTo(UpstreamGuardProperties.DEFAULT_FILTER_ORDER)
                    .isLessThan(-100); // outside Spring Security's filter chain
            assertThat(registration.getFilterName()).isEqualTo("upstreamGuardFilter");
            assertThat(registration.determineDispatcherTypes())
                    .isEqualTo(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR));
            assertThat(context).hasSingleBean(UpstreamExceptionHandler.class);
        });
    }

    @Test
    void startsWithTheReadmeQuickStartConfiguration() {
        runner.withPropertyValues("upstream-guard.request-timeout=5s", "upstream-guard.front-proxy-timeout=60s",
                "upstream-guard.front-proxy-idle-timeout=60s",
                "upstream-guard.upstreams.backend.base-uri=http://backend.internal:8080/api",
                "upstream-guard.upstreams.backend.attempt-timeout=1s",
                "upstream-guard.upstreams.backend.connect-timeout=200ms",
                "upstream-guard.upstreams.backend.keep-alive=5s", "upstream-guard.upstreams.backend.idle-timeout=4s",
                "upstream-guard.upstreams.backend.retry.max-attempts=3",
                "upstream-guard.upstreams.backend.validation.content-types=application/json",
                "server.tomcat.keep-alive-timeout=65s")
                .run(context -> assertThat(context).hasNotFailed().hasBean("backendRestClient")
                        .hasSingleBean(FilterRegistrationBean.class));
    }

    @Test
    void takesTheFilterOrderFromProperties() {
        runner.withPropertyValues("upstream-guard.filter-order=5").run(context -> assertThat(
                context.getBean("upstreamGuardFilterRegistration", FilterRegistrationBean.class).getOrder()).isEqualTo(5));
    }

    @Test
    void mapsPropertiesToTheFilterConfiguration() {
        runner.withPropertyValues("upstream-guard.request-timeout=7s", "upstream-guard.correlation.headers=X-Trace-Id",
                "upstream-guard.correlation.response-header=X-Trace-Id", "upstream-guard.correlation.mdc-key=traceId",
                "upstream-guard.correlation.accept-traceparent=false",
                "upstream-guard.deadline-header.name=grpc-timeout", "upstream-guard.deadline-header.trust-incoming=true",
                "upstream-guard.error-page.show-upstream-name=true", "upstream-guard.error-page.site-name=Shop",
                "upstream-guard.error-page.intercepted-statuses=503", "upstream-guard.error-page.proxy-name=shop-gw",
                "upstream-guard.error-page.default-media-type=text/html",
                "upstream-guard.error-page.template-locations=classpath:pages/")
                .run(context -> {
                    UpstreamGuardConfig config = context.getBean(UpstreamGuardConfig.class);
                    assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(7));
                    assertThat(config.correlationHeaders()).containsExactly("X-Trace-Id");
                    assertThat(config.responseHeader()).isEqualTo("X-Trace-Id");
                    assertThat(config.mdcKey()).isEqualTo("traceId");
                    assertThat(config.acceptTraceparent()).isFalse();
                    assertThat(config.deadlineHeader()).isEqualTo("grpc-timeout");
                    assertThat(config.trustDeadlineHeader()).isTrue();
                    assertThat(config.showUpstreamName()).isTrue();
                    assertThat(config.siteName()).isEqualTo("Shop");
                    assertThat(config.interceptedStatuses()).containsExactly(503);
                    assertThat(config.proxyName()).isEqualTo("shop-gw");
                    assertThat(config.defaultMediaType()).isEqualTo("text/html");
                    assertThat(config.templateLocations()).containsExactly("classpath:pages/");
                });
    }

    @Test
    void addsErrorRendererBeansAndTheApplicationsMeterRegistry() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        runner.withBean(ErrorRenderer.class, YamlRenderer::new).withBean(SimpleMeterRegistry.class, () -> registry)
                .run(context -> {
                    UpstreamGuardConfig config = context.getBean(UpstreamGuardConfig.class);
                    assertThat(config.renderers()).singleElement().isInstanceOf(YamlRenderer.class);
                    assertThat(config.meterRegistry()).isSameAs(registry);
                });
    }

    @Test
    void keepsTheApplicationsOwnBeans() {
        UpstreamGuardConfig own = UpstreamGuardConfig.builder().mdcKey("own").build();
        FilterRegistrationBean<UpstreamGuardFilter> ownRegistration = new FilterRegistrationBean<>();
        runner.withBean(UpstreamGuardConfig.class, () -> own)
                .withBean("upstreamGuardFilterRegistration", FilterRegistrationBean.class, () -> ownRegistration)
                .withBean("upstreamGuardExceptionHandler", Object.class, Object::new)
                .run(context -> {
                    assertThat(context.getBean(UpstreamGuardConfig.class)).isSameAs(own);
                    assertThat(context.getBean("upstreamGuardFilterRegistration")).isSameAs(ownRegistration);
                    assertThat(context).doesNotHaveBean(UpstreamExceptionHandler.class);
                });
    }

    @Test
    void backsOffOutsideAServletWebApplication() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(UpstreamGuardAutoConfiguration.class,
                UpstreamGuardServletAutoConfiguration.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(FilterRegistrationBean.class)
                        .doesNotHaveBean(UpstreamGuardConfig.class).hasSingleBean(UpstreamFactory.class));
    }

    @Test
    void backsOffWithoutTheServletFilter() {
        runner.withClassLoader(new FilteredClassLoader(UpstreamGuardFilter.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(FilterRegistrationBean.class)
                        .hasSingleBean(UpstreamFactory.class));
    }

    @Test
    void backsOffWhenDisabled() {
        runner.withPropertyValues("upstream-guard.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(FilterRegistrationBean.class)
                        .doesNotHaveBean(UpstreamExceptionHandler.class));
    }

    @Test
    void registersNoExceptionHandlerWithoutSpringMvc() {
        runner.withClassLoader(new FilteredClassLoader(org.springframework.web.servlet.DispatcherServlet.class))
                .run(context -> assertThat(context).hasSingleBean(FilterRegistrationBean.class)
                        .doesNotHaveBean(UpstreamExceptionHandler.class));
    }

    static final class YamlRenderer implements ErrorRenderer {
        @Override
        public String mediaType() {
            return "application/yaml";
        }

        @Override
        public String render(ErrorView view) {
            return "status: " + view.status();
        }
    }
}
