package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.servlet.UpstreamGuardConfig;
import dev.upstreamguard.servlet.spi.ErrorRenderer;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/** Turns {@code upstream-guard.*} into the servlet filter's {@link UpstreamGuardConfig}, naming any bad property. */
final class FilterConfigMapper {
    private static final String P = PropertyNames.PREFIX;

    private FilterConfigMapper() {
    }

    /**
     * The filter's configuration.
     *
     * @throws UpstreamGuardConfigurationException when a property is invalid
     */
    static UpstreamGuardConfig map(UpstreamGuardProperties properties, List<ErrorRenderer> renderers,
            MeterRegistry meterRegistry) {
        Problems problems = new Problems(PropertyNames.global());
        UpstreamGuardConfig.Builder b = UpstreamGuardConfig.builder();
        UpstreamGuardProperties.Correlation correlation = properties.getCorrelation();
        problems.apply(P + ".correlation.headers", correlation.getHeaders(), b::correlationHeaders);
        b.acceptTraceparent(correlation.isAcceptTraceparent());
        problems.apply(P + ".correlation.response-header", correlation.getResponseHeader(), b::responseHeader);
        problems.apply(P + ".correlation.mdc-key", correlation.getMdcKey(), b::mdcKey);
        problems.apply(P + ".request-timeout", properties.getRequestTimeout(), b::requestTimeout);
        UpstreamGuardProperties.DeadlineHeader deadline = properties.getDeadlineHeader();
        problems.apply(P + ".deadline-header.name", deadline.getName(), b::deadlineHeader);
        b.trustDeadlineHeader(deadline.isTrustIncoming());
        UpstreamGuardProperties.ErrorPage page = properties.getErrorPage();
        problems.apply(P + ".error-page.template-locations", page.getTemplateLocations(), b::templateLocations);
        b.showUpstreamName(page.isShowUpstreamName());
        b.showDetails(page.isShowDetails());
        b.showOwnerGuidance(page.isShowOwnerGuidance());
        problems.apply(P + ".error-page.site-name", page.getSiteName(), b::siteName);
        b.interceptSendError(page.isInterceptSendError());
        problems.apply(P + ".error-page.intercepted-statuses", page.getInterceptedStatuses(), b::interceptedStatuses);
        b.proxyStatusEnabled(page.isProxyStatusEnabled());
        problems.apply(P + ".error-page.proxy-name", page.getProxyName(), b::proxyName);
        problems.apply(P + ".error-page.problem-type-base", page.getProblemTypeBase(), b::problemTypeBase);
        for (ErrorRenderer renderer : renderers) {
            problems.apply("ErrorRenderer bean " + renderer.getClass().getName(), renderer, b::renderer);
        }
        if (meterRegistry != null) {
            b.meterRegistry(meterRegistry);
        }
        problems.apply(P + ".error-page.default-media-type", page.getDefaultMediaType(), b::defaultMediaType);
        problems.throwIfAny();
        try {
            return b.build();
        } catch (IllegalArgumentException e) { // the default media type has no renderer
            problems.rejected(P + ".error-page.default-media-type", page.getDefaultMediaType(), e);
            throw new UpstreamGuardConfigurationException(problems.list());
        }
    }
}
