package dev.upstreamguard.core.classify;

import java.util.Objects;

/**
 * The outcome of classifying one failed attempt.
 *
 * @param kind    the failure kind
 * @param details a short description from a fixed vocabulary, safe to show a client (never an exception message)
 */
public record Classification(FailureKind kind, String details) {
    /** Validates the parts. */
    public Classification {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(details, "details");
    }
}
