package dev.upstreamguard.core.internal;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.core.retry.RetryPolicy;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.protocol.HttpContext;

/** Which failures are worth another attempt: one commented rule per case. */
final class RetryRules {
    /** Context attribute: the caller declares this request safe to send twice. */
    static final String RETRY_SAFE_ATTRIBUTE = "dev.upstreamguard.retry-safe";

    private RetryRules() {
    }

    /** Whether sending the request twice is harmless: idempotent method, Idempotency-Key, or marked by the caller. */
    static boolean isRetrySafe(ClassicHttpRequest request, HttpContext context) {
        HttpEntity entity = request.getEntity();
        if (entity != null && !entity.isRepeatable()) {
            return false; // a streamed body cannot be sent again
        }
        if (Boolean.TRUE.equals(context.getAttribute(RETRY_SAFE_ATTRIBUTE))) {
            return true;
        }
        if (request.containsHeader("Idempotency-Key")) {
            return true;
        }
        return switch (request.getMethod()) {
            case "GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE" -> true;
            default -> false;
        };
    }

    /** Whether a repeatable body allows any retry at all (even of a failure where nothing was sent). */
    static boolean isRepeatable(ClassicHttpRequest request) {
        HttpEntity entity = request.getEntity();
        return entity == null || entity.isRepeatable();
    }

    static boolean isRetryable(FailureKind kind, int receivedStatus, boolean retrySafe, RetryPolicy policy) {
        return switch (kind) {
            // Nothing reached the upstream: safe for any method.
            case CONNECTION_REFUSED, CONNECTION_TIMEOUT, DESTINATION_IP_UNROUTABLE -> true;
            // The upstream may have processed the request: only when sending it twice is harmless.
            case CONNECTION_TERMINATED, HTTP_RESPONSE_TIMEOUT, HTTP_RESPONSE_INCOMPLETE,
                    HTTP_RESPONSE_TRANSFER_CODING, HTTP_PROTOCOL_ERROR -> retrySafe;
            // The upstream answered an error status: only the configured ones (default 502, 503, 504).
            case UPSTREAM_STATUS -> retrySafe && policy.retriesStatus(receivedStatus);
            // DNS answers are cached, TLS and size failures are deterministic, validation failures would repeat,
            // an open breaker or full pool must not be hammered, configuration errors need a human.
            default -> false;
        };
    }
}
