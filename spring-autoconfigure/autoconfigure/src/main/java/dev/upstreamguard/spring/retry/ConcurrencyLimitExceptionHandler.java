package dev.upstreamguard.spring.retry;

import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.classify.FailureKind;
import org.springframework.core.Ordered;
import org.springframework.resilience.InvocationRejectedException;
import org.springframework.util.ClassUtils;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/**
 * Answers a call rejected by Spring Framework 7's {@code @ConcurrencyLimit(policy = REJECT)} like a full bulkhead:
 * 503 {@code connection_limit_reached} through the servlet filter (its page, {@code Proxy-Status}, correlation ID),
 * instead of a generic 500. The rejection carries an {@link UpstreamException} named after the rejecting bean's
 * class (shown on the page only with {@code upstream-guard.error-page.show-upstream-name}) to the filter.
 */
@ControllerAdvice
public final class ConcurrencyLimitExceptionHandler implements Ordered {
    /** This advice's order: that of Upstream Guard's own exception handler, before advice without an order. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

    /**
     * Hands {@code rejection} back to the filter as a 503 {@code connection_limit_reached}: the rejection is rethrown
     * as it is (Spring MVC then tries no other handler) with an {@link UpstreamException} as its cause, which the
     * filter finds and renders.
     */
    @ExceptionHandler(InvocationRejectedException.class)
    public void handOverToFilter(InvocationRejectedException rejection) {
        if (rejection.getCause() == null) {
            Object target = rejection.getTarget();
            String name = target == null ? "" : ClassUtils.getUserClass(target).getSimpleName();
            rejection.initCause(UpstreamException.builder(name.isEmpty() ? "application" : name,
                    FailureKind.CONNECTION_LIMIT_REACHED).details("concurrency limit reached")
                    .captureStackTrace(false).build());
        }
        throw rejection;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
