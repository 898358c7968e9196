package dev.upstreamguard.core.internal;

import dev.upstreamguard.core.classify.Classification;
import java.time.Duration;
import org.apache.hc.core5.http.ClassicHttpResponse;

/** What one attempt produced: a response, or a classified failure. */
final class AttemptResult {
    /** The complete response, its body in memory (success only). */
    final ClassicHttpResponse response;
    final Classification failure;
    final int receivedStatus;
    final Duration retryAfter;
    final Throwable cause;
    /** The connection had served an earlier exchange and died before any response byte: a stale pooled one. */
    final boolean staleConnection;
    /** The attempt's budget ran out (as opposed to an error of the upstream). */
    final boolean timedOut;

    private AttemptResult(ClassicHttpResponse response, Classification failure, int receivedStatus, Duration retryAfter,
            Throwable cause, boolean staleConnection, boolean timedOut) {
        this.response = response;
        this.failure = failure;
        this.receivedStatus = receivedStatus;
        this.retryAfter = retryAfter;
        this.cause = cause;
        this.staleConnection = staleConnection;
        this.timedOut = timedOut;
    }

    static AttemptResult success(ClassicHttpResponse response) {
        return new AttemptResult(response, null, response.getCode(), null, null, false, false);
    }

    static AttemptResult failure(Classification failure, int receivedStatus, Duration retryAfter, Throwable cause,
            boolean staleConnection, boolean timedOut) {
        return new AttemptResult(null, failure, receivedStatus, retryAfter, cause, staleConnection, timedOut);
    }

    boolean succeeded() {
        return failure == null;
    }
}
