package dev.upstreamguard.spring.autoconfigure;

import java.util.List;
import java.util.Objects;

/**
 * Upstream Guard's configuration is invalid or not aligned: start-up fails with this exception, and a failure
 * analyzer prints each {@link Problem} with the property, its value and the fix.
 */
public final class UpstreamGuardConfigurationException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final transient List<Problem> problems;

    /** An exception for {@code problems}, at least one. */
    public UpstreamGuardConfigurationException(List<Problem> problems) {
        super(message(problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("problems must not be empty");
        }
        this.problems = List.copyOf(problems);
    }

    /** The problems, at least one. */
    public List<Problem> problems() {
        return problems;
    }

    private static String message(List<Problem> problems) {
        StringBuilder sb = new StringBuilder("Invalid Upstream Guard configuration:");
        for (Problem p : problems) {
            sb.append("\n - ").append(p.property()).append(" = ").append(p.value()).append(": ").append(p.reason());
        }
        return sb.toString();
    }

    /**
     * One invalid or misaligned setting.
     *
     * @param property the property at fault, such as {@code upstream-guard.upstreams.backend.connect-timeout}
     * @param value    its value as configured
     * @param reason   what is wrong
     * @param action   what to change
     */
    public record Problem(String property, String value, String reason, String action) {
        /** Validates the parts. */
        public Problem {
            Objects.requireNonNull(property, "property");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(action, "action");
        }
    }
}
