package dev.upstreamguard.doctor.evidence;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.doctor.Hop;
import dev.upstreamguard.doctor.Verdict;
import java.util.Objects;

/**
 * What one line of a proxy's evidence means: which vendor wrote it, the part that told, the verdict, the hop at
 * fault, the RFC 9209 error type, the cause and the fix. Every text field is printable: control characters of
 * the input never reach it.
 *
 * @param source    who wrote the evidence: {@code nginx}, {@code haproxy}, {@code envoy}, {@code aws-alb},
 *                  {@code gcp-lb}, {@code cloudflare}, {@code proxy-status}, or {@code unknown}
 * @param evidence  the part of the line that was decoded (a phrase, a termination state, a flag), shortened
 * @param verdict   {@link Verdict#FAILED} for a failure the visitor saw, {@link Verdict#DEGRADED} for a problem
 *                  that did not (or not only) come from the servers, {@link Verdict#OK} for a normal outcome or
 *                  unknown input
 * @param hop       the hop at fault, or {@code null} when none is (normal outcome, unknown input)
 * @param kind      core's failure kind when one matches exactly, else {@code null}
 * @param errorType the RFC 9209 Proxy-Status error type, or {@code null} when none applies
 * @param status    the status the visitor typically got (502, 503, 504...), or 0 when unknown
 * @param cause     what happened, in one sentence
 * @param fix       what to change or check, in one or two sentences
 */
public record Explanation(String source, String evidence, Verdict verdict, Hop hop, FailureKind kind,
        String errorType, int status, String cause, String fix) {
    /** The source of input the decoder does not recognise. */
    public static final String UNKNOWN = "unknown";

    /** Checks the required fields. */
    public Explanation {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(evidence, "evidence");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(fix, "fix");
    }

    /** Whether the decoder recognised the input. */
    public boolean recognized() {
        return !UNKNOWN.equals(source);
    }
}
