package dev.upstreamguard.spring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains an {@link UpstreamGuardConfigurationException}: each property, its value, what is wrong and the fix. */
class UpstreamGuardFailureAnalyzer extends AbstractFailureAnalyzer<UpstreamGuardConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, UpstreamGuardConfigurationException cause) {
        return new FailureAnalysis(description(cause), action(cause), cause);
    }

    static String description(UpstreamGuardConfigurationException e) {
        StringBuilder sb = new StringBuilder("Upstream Guard's configuration is invalid (")
                .append(e.problems().size()).append(e.problems().size() == 1 ? " problem):\n" : " problems):\n");
        for (UpstreamGuardConfigurationException.Problem p : e.problems()) {
            sb.append("\n    Property: ").append(p.property())
                    .append("\n    Value:    ").append(p.value())
                    .append("\n    Reason:   ").append(p.reason()).append('\n');
        }
        return sb.toString();
    }

    static String action(UpstreamGuardConfigurationException e) {
        StringBuilder sb = new StringBuilder("Update your application's configuration:\n");
        for (UpstreamGuardConfigurationException.Problem p : e.problems()) {
            sb.append("\n    - ").append(p.property()).append(": ").append(p.action());
        }
        return sb.toString();
    }
}
