package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.core.UpstreamException;
import org.springframework.core.Ordered;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/**
 * Keeps Spring MVC's exception handling away from upstream failures, so that the servlet filter answers them with
 * its error response (502/503/504, {@code Proxy-Status}, HTML / problem+json / text) instead of a generic 500.
 *
 * <p>Matches an {@link UpstreamException} thrown by a handler or found among its causes (a {@code RestClient}
 * wraps it in a {@code ResourceAccessException}), ahead of the application's own advice (order
 * {@link #ORDER}), and hands it back: Spring MVC then tries no other {@code @ExceptionHandler} nor resolver and
 * rethrows the original exception, which the filter unwraps and renders with its renderers. To handle upstream
 * failures yourself, declare a bean named {@code upstreamGuardExceptionHandler}.
 */
@ControllerAdvice
public final class UpstreamExceptionHandler implements Ordered {
    /** This advice's order: before advice without an explicit order. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

    /** Hands {@code failure} back to the filter. */
    @ExceptionHandler(UpstreamException.class)
    public void handOverToFilter(UpstreamException failure) throws UpstreamException {
        throw failure;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
