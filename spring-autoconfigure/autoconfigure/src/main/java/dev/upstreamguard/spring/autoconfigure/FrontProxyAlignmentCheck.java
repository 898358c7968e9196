package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.spring.autoconfigure.UpstreamGuardConfigurationException.Problem;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.ApplicationContext;

/**
 * Checks {@link FrontProxyAlignment} when the context starts: fails start-up, or logs a warning when
 * {@code upstream-guard.alignment-violations=warn}.
 */
final class FrontProxyAlignmentCheck implements InitializingBean {
    private static final Logger LOG = LoggerFactory.getLogger(FrontProxyAlignmentCheck.class);

    private final UpstreamGuardProperties properties;
    private final ApplicationContext context;

    FrontProxyAlignmentCheck(UpstreamGuardProperties properties, ApplicationContext context) {
        this.properties = properties;
        this.context = context;
    }

    @Override
    public void afterPropertiesSet() {
        if (properties.getFrontProxyTimeout() == null && properties.getFrontProxyIdleTimeout() == null) {
            return;
        }
        List<Problem> problems = FrontProxyAlignment.check(properties,
                ServerKeepAlive.of(context, context.getEnvironment()));
        if (problems.isEmpty()) {
            return;
        }
        UpstreamGuardConfigurationException e = new UpstreamGuardConfigurationException(problems);
        if (properties.getAlignmentViolations() == UpstreamGuardProperties.AlignmentViolations.FAIL) {
            throw e;
        }
        LOG.warn("{}\n{}\n(upstream-guard.alignment-violations=warn: starting anyway)",
                UpstreamGuardFailureAnalyzer.description(e), UpstreamGuardFailureAnalyzer.action(e));
    }
}
