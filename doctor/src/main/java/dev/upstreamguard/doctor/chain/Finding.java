package dev.upstreamguard.doctor.chain;

import dev.upstreamguard.doctor.Verdict;
import java.util.Objects;

/**
 * The outcome of one rule on one pair of hops (or one hop).
 *
 * @param rule    the rule's id: {@code keep-alive-order}, {@code front-timeout}, {@code outer-timeout},
 *                {@code deadline-covers-retries}, {@code pool-idle}, {@code client-defaults},
 *                {@code non-idempotent-retry}, {@code upstream-reuse}
 * @param verdict {@link Verdict#OK} when the rule holds
 * @param front   the hop in front (or the only hop the rule is about)
 * @param back    the hop behind, or {@code null}
 * @param values  the values compared, with their knobs and origins
 * @param message what holds or what breaks, and what a visitor sees when it breaks
 * @param fix     the change that makes the rule hold, or {@code null} when it holds
 */
public record Finding(String rule, Verdict verdict, String front, String back, String values, String message,
        String fix) {
    /** Checks the required fields. */
    public Finding {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(front, "front");
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(message, "message");
    }
}
