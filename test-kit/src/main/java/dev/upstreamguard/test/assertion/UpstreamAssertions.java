package dev.upstreamguard.test.assertion;

import dev.upstreamguard.core.UpstreamException;
import java.net.http.HttpResponse;

/**
 * Entry points of the kit's oracle. Import statically; the overloads are more specific than AssertJ's
 * {@code assertThat(Object)}, so both can be imported in one test.
 *
 * <pre>{@code
 * assertThat(httpResponse).isBadGateway().hasProxyStatusError("connection_terminated").hasCorrelationId();
 * assertThat(exception).hasKind(FailureKind.CONNECTION_REFUSED).hasAttempts(3).requestWasNotSent();
 * }</pre>
 *
 * <p>Self-contained: failures are plain {@link AssertionError}s, so the kit needs no assertion library.
 */
public final class UpstreamAssertions {
    private UpstreamAssertions() {
    }

    /** Checks a {@code java.net.http} response (String or byte[] body). */
    public static AnswerAssert assertThat(HttpResponse<?> response) {
        return new AnswerAssert(Answer.from(response));
    }

    /** Checks an answer built from any client's response with {@link Answer#of}. */
    public static AnswerAssert assertThat(Answer answer) {
        return new AnswerAssert(answer);
    }

    /** Checks an upstream failure. */
    public static FailureAssert assertThat(UpstreamException exception) {
        return new FailureAssert(exception);
    }

    /**
     * Runs {@code call}, which must fail with an {@link UpstreamException} (directly or as a cause), and checks it.
     *
     * @throws AssertionError if the call succeeds or fails otherwise
     */
    public static FailureAssert assertFailure(ThrowingCall call) {
        try {
            call.run();
        } catch (Throwable t) {
            for (Throwable c = t; c != null; c = c.getCause()) {
                if (c instanceof UpstreamException e) {
                    return new FailureAssert(e);
                }
            }
            throw new AssertionError("Expected an UpstreamException, but the call threw " + t, t);
        }
        throw new AssertionError("Expected an UpstreamException, but the call succeeded");
    }

    /** A call that may throw anything. */
    @FunctionalInterface
    public interface ThrowingCall {
        /** Makes the call. */
        void run() throws Throwable;
    }
}
