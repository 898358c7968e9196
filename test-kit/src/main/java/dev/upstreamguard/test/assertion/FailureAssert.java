package dev.upstreamguard.test.assertion;

import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.core.classify.RequestSent;
import java.time.Duration;
import java.util.Objects;

/**
 * Fluent checks of an {@link UpstreamException}: kind, RFC 9209 error type, status, attempts, whether the request
 * was sent. Failure messages say what was expected and what came, with the exception's Proxy-Status. Get one from
 * {@link UpstreamAssertions}.
 */
public final class FailureAssert {
    private final UpstreamException e;

    FailureAssert(UpstreamException e) {
        this.e = Objects.requireNonNull(e, "exception");
    }

    /** Checks the failure kind. */
    public FailureAssert hasKind(FailureKind expected) {
        if (e.kind() != expected) {
            fail("kind " + expected, "kind " + e.kind());
        }
        return this;
    }

    /** Checks the RFC 9209 error type, for example {@code "connection_refused"}. */
    public FailureAssert hasErrorType(String expected) {
        if (!Objects.equals(expected, e.kind().errorType())) {
            fail("error type " + expected, "error type " + e.kind().errorType());
        }
        return this;
    }

    /** Checks the status the application should answer with (502, 503, 504...). */
    public FailureAssert hasStatus(int expected) {
        if (e.status() != expected) {
            fail("status " + expected, "status " + e.status());
        }
        return this;
    }

    /** Checks how many attempts were made. */
    public FailureAssert hasAttempts(int expected) {
        if (e.attempts() != expected) {
            fail(expected + " attempt(s)", e.attempts() + " attempt(s)");
        }
        return this;
    }

    /** Checks the status the upstream answered (0 when it answered none). */
    public FailureAssert hasReceivedStatus(int expected) {
        if (e.receivedStatus() != expected) {
            fail("received status " + expected, "received status " + e.receivedStatus());
        }
        return this;
    }

    /** Checks that the request certainly did not reach the upstream (safe to retry, even a POST). */
    public FailureAssert requestWasNotSent() {
        return hasRequestSent(RequestSent.NO);
    }

    /** Checks that the request certainly reached the upstream. */
    public FailureAssert requestWasSent() {
        return hasRequestSent(RequestSent.YES);
    }

    /** Checks whether the request reached the upstream ({@code NO}, {@code YES} or {@code UNKNOWN}). */
    public FailureAssert hasRequestSent(RequestSent expected) {
        if (e.requestSent() != expected) {
            fail("requestSent " + expected, "requestSent " + e.requestSent());
        }
        return this;
    }

    /** Checks that a retry is advised. */
    public FailureAssert isRetryable() {
        if (!e.retryable()) {
            fail("a retryable failure", "a failure not to retry");
        }
        return this;
    }

    /** Checks that the failure took no longer than {@code max} (for deadline checks). */
    public FailureAssert tookAtMost(Duration max) {
        if (e.elapsed().compareTo(max) > 0) {
            fail("at most " + max.toMillis() + " ms", e.elapsed().toMillis() + " ms");
        }
        return this;
    }

    /** The exception under test. */
    public UpstreamException actual() {
        return e;
    }

    private void fail(String expected, String actual) {
        throw new AssertionError("Expected " + expected + ", but was " + actual + ".\n  Proxy-Status: "
                + e.proxyStatus("upstream-guard") + "\n  message: " + Excerpt.of(e.getMessage()), e);
    }
}
