package dev.upstreamguard.doctor.evidence;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.doctor.Hop;
import dev.upstreamguard.doctor.Verdict;

/** Short constructors of explanations for the decoders. */
final class Facts {
    private Facts() {
    }

    /** A failure of core's {@code kind}, answered with its default status. */
    static Explanation failed(String source, String evidence, FailureKind kind, Hop hop, String cause, String fix) {
        return new Explanation(source, Text.quote(evidence), Verdict.FAILED, hop, kind, kind.errorType(),
                kind.defaultStatus(), cause, fix);
    }

    /** A failure of core's {@code kind}, answered with {@code status}. */
    static Explanation failed(String source, String evidence, FailureKind kind, int status, Hop hop, String cause,
            String fix) {
        return new Explanation(source, Text.quote(evidence), Verdict.FAILED, hop, kind, kind.errorType(), status,
                cause, fix);
    }

    /** A failure with an RFC 9209 error type no core kind stands for exactly. */
    static Explanation failed(String source, String evidence, String errorType, int status, Hop hop, String cause,
            String fix) {
        return new Explanation(source, Text.quote(evidence), Verdict.FAILED, hop, null, errorType, status, cause,
                fix);
    }

    /** Something worth a look that is not a server-side failure (a client that left, a client timeout). */
    static Explanation degraded(String source, String evidence, Hop hop, int status, String cause, String fix) {
        return new Explanation(source, Text.quote(evidence), Verdict.DEGRADED, hop, null, null, status, cause, fix);
    }

    /** A normal outcome. */
    static Explanation ok(String source, String evidence, String cause) {
        return new Explanation(source, Text.quote(evidence), Verdict.OK, null, null, null, 0, cause,
                "Nothing to fix for this line.");
    }

    /** The vendor is recognised but not this value. */
    static Explanation unknownValue(String source, String evidence, String what) {
        return new Explanation(source, Text.quote(evidence), Verdict.OK, null, null, null, 0,
                "This " + what + " is not one the doctor knows.",
                "Look the value up in the vendor's documentation.");
    }
}
