package dev.upstreamguard.core;

import java.util.List;

/**
 * An {@link UpstreamPolicy} breaks the timeout-alignment rules. The message lists every violation with the values
 * and what to change; {@link #violations()} gives them one by one (the Spring Boot integration maps them to
 * property names).
 */
public final class InvalidPolicyException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient List<PolicyViolation> violations;

    InvalidPolicyException(List<PolicyViolation> violations) {
        super(message(violations));
        this.violations = List.copyOf(violations);
    }

    /** The broken rules, at least one. */
    public List<PolicyViolation> violations() {
        return violations;
    }

    private static String message(List<PolicyViolation> violations) {
        StringBuilder sb = new StringBuilder("Upstream policy is misaligned (").append(violations.size())
                .append(violations.size() == 1 ? " problem):" : " problems):");
        for (PolicyViolation v : violations) {
            sb.append("\n - ").append(v.message());
        }
        return sb.toString();
    }
}
