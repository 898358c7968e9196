package dev.upstreamguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upstreamguard.servlet.spi.ErrorRenderer;
import dev.upstreamguard.servlet.spi.ErrorView;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UpstreamGuardConfigTest {

    @Test
    void hasDocumentedDefaults() {
        UpstreamGuardConfig c = UpstreamGuardConfig.ofDefaults();
        assertThat(c.correlationHeaders()).containsExactly("X-Request-ID", "X-Correlation-ID");
        assertThat(c.acceptTraceparent()).isTrue();
        assertThat(c.responseHeader()).isEqualTo("X-Request-ID");
        assertThat(c.mdcKey()).isEqualTo("correlationId");
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.deadlineHeader()).isEqualTo("X-Request-Timeout-Ms");
        assertThat(c.trustDeadlineHeader()).isFalse();
        assertThat(c.interceptSendError()).isTrue();
        assertThat(c.interceptedStatuses()).containsExactlyInAnyOrder(502, 503, 504);
        assertThat(c.templateLocations()).containsExactly("classpath:upstream-guard/");
        assertThat(c.renderers()).isEmpty();
        assertThat(c.defaultMediaType()).isEqualTo("application/problem+json");
        assertThat(c.showUpstreamName()).isFalse();
        assertThat(c.showDetails()).isTrue();
        assertThat(c.showOwnerGuidance()).isTrue();
        assertThat(c.siteName()).isNull();
        assertThat(c.proxyStatusEnabled()).isTrue();
        assertThat(c.proxyName()).isEqualTo("upstream-guard");
        assertThat(c.problemTypeBase()).isNull();
        assertThat(c.meterRegistry()).isSameAs(Metrics.globalRegistry);
    }

    @Test
    void toBuilderCopiesEveryOption() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ErrorRenderer xml = renderer("application/xml");
        UpstreamGuardConfig original = UpstreamGuardConfig.builder()
                .correlationHeaders("A").acceptTraceparent(false).responseHeader("B").mdcKey("k")
                .requestTimeout(Duration.ofSeconds(3)).deadlineHeader("grpc-timeout").trustDeadlineHeader(true)
                .interceptSendError(false).interceptedStatuses(Set.of(503)).templateLocations("file:/tmp/x")
                .renderer(xml).defaultMediaType("application/xml").showUpstreamName(true).showDetails(false)
                .showOwnerGuidance(false).siteName("Shop").proxyStatusEnabled(false).proxyName("edge")
                .problemTypeBase("https://example.com/p/").meterRegistry(registry)
                .build();
        UpstreamGuardConfig copy = original.toBuilder().build();
        assertThat(copy).usingRecursiveComparison().isEqualTo(original);
        assertThat(copy.templateLocations()).containsExactly("file:/tmp/x/");
        assertThat(copy.renderers()).containsExactly(xml);
    }

    @Test
    void isImmutable() {
        List<String> headers = new java.util.ArrayList<>(List.of("A"));
        UpstreamGuardConfig c = UpstreamGuardConfig.builder().correlationHeaders(headers).build();
        headers.add("B");
        assertThat(c.correlationHeaders()).containsExactly("A");
        assertThatThrownBy(() -> c.correlationHeaders().add("C")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void rejectsBadValuesNamingThem() {
        UpstreamGuardConfig.Builder b = UpstreamGuardConfig.builder();
        assertThatThrownBy(() -> b.requestTimeout(Duration.ZERO))
                .hasMessage("requestTimeout must be positive, but was PT0S");
        assertThatThrownBy(() -> b.requestTimeout(Duration.ofMillis(-1)))
                .hasMessage("requestTimeout must be positive, but was PT-0.001S");
        assertThatThrownBy(() -> b.responseHeader("X Request"))
                .hasMessageStartingWith("responseHeader must be a token").hasMessageEndingWith("but was \"X Request\"");
        assertThatThrownBy(() -> b.correlationHeaders("ok", "bad:header"))
                .hasMessageContaining("correlationHeaders element").hasMessageContaining("\"bad:header\"");
        assertThatThrownBy(() -> b.mdcKey("")).hasMessage("mdcKey must be a non-empty token, but was \"\"");
        assertThatThrownBy(() -> b.deadlineHeader("a\r\nb")).hasMessageContaining("\"a\\u000d\\u000ab\"");
        assertThatThrownBy(() -> b.interceptedStatuses(List.of(503, 404)))
                .hasMessage("interceptedStatuses must be 500..599, but contained 404");
        assertThatThrownBy(() -> b.templateLocations("/etc/errors"))
                .hasMessage("templateLocations must start with classpath: or file:, but contained \"/etc/errors\"");
        assertThatThrownBy(() -> b.siteName("x".repeat(81))).hasMessageStartingWith("siteName must be 1..80 characters");
        assertThatThrownBy(() -> b.siteName("a\nb")).hasMessageContaining("siteName must not contain control");
        assertThatThrownBy(() -> b.proxyName("my proxy"))
                .hasMessage("proxyName must be an RFC 8941 token, but was \"my proxy\"");
        assertThatThrownBy(() -> b.problemTypeBase("problems/"))
                .hasMessage("problemTypeBase must be an absolute URI, but was \"problems/\"");
        assertThatThrownBy(() -> b.renderer(renderer("text/HTML; charset=utf-8")))
                .hasMessageStartingWith("renderer mediaType() must be lower-case type/subtype, but was \"text/HTML;");
        assertThatThrownBy(() -> UpstreamGuardConfig.builder().defaultMediaType("application/xml").build())
                .hasMessageContaining("but was \"application/xml\"");
    }

    @Test
    void rendererReplacesEarlierOneOfSameMediaType() {
        ErrorRenderer first = renderer("text/html");
        ErrorRenderer second = renderer("text/html");
        assertThat(UpstreamGuardConfig.builder().renderer(first).renderer(second).build().renderers())
                .containsExactly(second);
    }

    private static ErrorRenderer renderer(String type) {
        return new ErrorRenderer() {
            @Override
            public String mediaType() {
                return type;
            }

            @Override
            public String render(ErrorView view) {
                return "";
            }
        };
    }
}
