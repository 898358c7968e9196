package dev.upstreamguard.core;

import java.util.Objects;

/**
 * One broken rule of an {@link UpstreamPolicy}: which setting, its value, what is wrong and what to change.
 *
 * @param setting the builder setting at fault, e.g. {@code connectTimeout}
 * @param value   its value as configured
 * @param problem what is wrong, naming the values, e.g. {@code connectTimeout (2s) must be <= attemptTimeout (1s)}
 * @param fix     what to change, e.g. {@code lower connectTimeout or raise attemptTimeout}
 */
public record PolicyViolation(String setting, String value, String problem, String fix) {
    /** Validates the parts. */
    public PolicyViolation {
        Objects.requireNonNull(setting, "setting");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(fix, "fix");
    }

    /** The whole explanation: {@code problem: fix}. */
    public String message() {
        return problem + ": " + fix;
    }
}
