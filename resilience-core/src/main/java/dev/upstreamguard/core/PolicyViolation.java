package dev.upstreamguard.core;

import java.util.Objects;

/**
 * One broken rule of an {@link UpstreamPolicy}: which setting, its value, and what to change.
 *
 * @param setting the builder setting at fault, e.g. {@code connectTimeout}
 * @param value   its value as configured
 * @param message the whole explanation, naming the values and the fix
 */
public record PolicyViolation(String setting, String value, String message) {
    /** Validates the parts. */
    public PolicyViolation {
        Objects.requireNonNull(setting, "setting");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(message, "message");
    }
}
