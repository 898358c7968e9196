package dev.upstreamguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upstreamguard.core.deadline.RequestContext;
import dev.upstreamguard.servlet.internal.InitParameters;
import dev.upstreamguard.servlet.testing.Failures;
import dev.upstreamguard.servlet.testing.TestServer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistrationTest {

    @Test
    void configuresFilterFromInitParamsAsInWebXml() throws Exception {
        Map<String, String> params = Map.ofEntries(
                Map.entry("correlation-headers", "X-Amzn-Trace-Id, X-Request-ID"),
                Map.entry("response-header", "X-Correlation-ID"),
                Map.entry("request-timeout", "2s"),
                Map.entry("trust-deadline-header", "true"),
                Map.entry("intercepted-statuses", "503"),
                Map.entry("renderers", "dev.upstreamguard.servlet.testing.XmlRenderer"),
                Map.entry("default-media-type", "application/xml"),
                Map.entry("show-upstream-name", "true"),
                Map.entry("proxy-name", "shop-edge"));
        try (TestServer s = TestServer.builder().filterClassWithInitParams(params)
                .servlet("/deadline", (req, res) ->
                        res.getWriter().print(RequestContext.current().deadline().remaining().toMillis()))
                .servlet("/fail", (req, res) -> {
                    throw Failures.refused();
                })
                .servlet("/send", (req, res) -> res.sendError(502))
                .start()) {
            HttpResponse<String> r = s.get("/fail", "X-Amzn-Trace-Id", "Root=1-abc");
            assertThat(r.headers().firstValue("X-Correlation-ID")).contains("Root=1-abc");
            assertThat(r.headers().firstValue("Proxy-Status").orElseThrow()).startsWith("shop-edge; error=");
            assertThat(r.body()).isEqualTo("<error status=\"502\" id=\"Root=1-abc\"/>");
            assertThat(s.get("/fail", "Accept", "application/json").body()).contains("\"upstream\":\"billing\"");
            assertThat(Long.parseLong(s.get("/deadline").body())).isBetween(1L, 2_000L);
            assertThat(s.get("/send").body()).doesNotContain("<error");
        }
    }

    @Test
    void registersProgrammaticallyFromAnInitializer() throws Exception {
        ServletContextListener initializer = new ServletContextListener() {
            @Override
            public void contextInitialized(ServletContextEvent event) {
                UpstreamGuardConfig config = UpstreamGuardConfig.builder()
                        .requestTimeout(Duration.ofSeconds(5))
                        .build();
                FilterRegistration.Dynamic guard = event.getServletContext()
                        .addFilter("upstreamGuard", new UpstreamGuardFilter(config));
                guard.setAsyncSupported(true);
                guard.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC,
                        DispatcherType.ERROR), false, "/*");
            }
        };
        try (TestServer s = TestServer.builder().contextListener(initializer)
                .servlet("/fail", (req, res) -> {
                    throw Failures.timeout();
                })
                .start()) {
            HttpResponse<String> r = s.get("/fail", "X-Request-ID", "prog-1");
            assertThat(r.statusCode()).isEqualTo(504);
            assertThat(r.headers().firstValue("X-Request-ID")).contains("prog-1");
        }
    }

    @Test
    void rejectsUnknownInitParam() {
        assertThatThrownBy(() -> InitParameters.parse(Map.of("request-timeot", "5s")::get, List.of("request-timeot"),
                getClass().getClassLoader()))
                .hasMessageStartingWith("Unknown Upstream Guard filter init-param \"request-timeot\"; known: [");
    }

    @Test
    void rejectsBadInitParamValueNamingTheParam() {
        assertThatThrownBy(() -> parse("request-timeout", "soon"))
                .hasMessage("Invalid Upstream Guard filter init-param request-timeout: expected a duration such as"
                        + " 500ms, 30s or PT30S, but was \"soon\"");
        assertThatThrownBy(() -> parse("show-details", "yes"))
                .hasMessage("Invalid Upstream Guard filter init-param show-details: expected true or false, but was \"yes\"");
        assertThatThrownBy(() -> parse("intercepted-statuses", "502,abc"))
                .hasMessageContaining("intercepted-statuses: expected numbers, but found \"abc\"");
        assertThatThrownBy(() -> parse("renderers", "com.example.Missing"))
                .hasMessageContaining("renderers: cannot create an ErrorRenderer from \"com.example.Missing\"");
        assertThatThrownBy(() -> parse("default-media-type", "application/xml"))
                .hasMessageStartingWith("Invalid Upstream Guard filter init-params: defaultMediaType must be one of");
    }

    @Test
    void parsesDurationsInEveryDocumentedForm() {
        assertThat(parse("request-timeout", "500ms").requestTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(parse("request-timeout", "30s").requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(parse("request-timeout", "2m").requestTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(parse("request-timeout", "1h").requestTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(parse("request-timeout", "PT1.5S").requestTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(parse("request-timeout", "750").requestTimeout()).isEqualTo(Duration.ofMillis(750));
    }

    @Test
    void failsStartupOfFilterWithBadInitParam() throws Exception {
        UpstreamGuardFilter filter = new UpstreamGuardFilter();
        jakarta.servlet.FilterConfig config = new jakarta.servlet.FilterConfig() {
            @Override
            public String getFilterName() {
                return "guard";
            }

            @Override
            public jakarta.servlet.ServletContext getServletContext() {
                return (jakarta.servlet.ServletContext) java.lang.reflect.Proxy.newProxyInstance(
                        getClass().getClassLoader(), new Class<?>[] {jakarta.servlet.ServletContext.class},
                        (proxy, method, args) -> method.getName().equals("getClassLoader")
                                ? RegistrationTest.class.getClassLoader() : null);
            }

            @Override
            public String getInitParameter(String name) {
                return name.equals("proxy-status") ? "maybe" : null;
            }

            @Override
            public java.util.Enumeration<String> getInitParameterNames() {
                return java.util.Collections.enumeration(List.of("proxy-status"));
            }
        };
        assertThatThrownBy(() -> filter.init(config)).isInstanceOf(jakarta.servlet.ServletException.class)
                .hasMessage("Filter guard: Invalid Upstream Guard filter init-param proxy-status: expected true or"
                        + " false, but was \"maybe\"");
        assertThatThrownBy(filter::config).isInstanceOf(IllegalStateException.class);
    }

    private static UpstreamGuardConfig parse(String name, String value) {
        return InitParameters.parse(Map.of(name, value)::get, List.of(name), RegistrationTest.class.getClassLoader());
    }
}
