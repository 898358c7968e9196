package dev.upstreamguard.servlet.internal;

import dev.upstreamguard.core.deadline.RequestContext;
import jakarta.servlet.ServletRequest;

/**
 * What the filter keeps for one request across its dispatches (forward, async, error): the correlation ID, the
 * request context core reads, and the MDC key it goes under.
 */
public final class RequestState {
    /** The request attribute holding this state. */
    public static final String ATTRIBUTE = RequestState.class.getName();

    private final RequestContext context;
    private final String mdcKey;

    /** State for {@code context}, logged under {@code mdcKey}. */
    public RequestState(RequestContext context, String mdcKey) {
        this.context = context;
        this.mdcKey = mdcKey;
    }

    /** The state of {@code request}, or {@code null} when the filter has not seen it. */
    public static RequestState of(ServletRequest request) {
        Object state = request.getAttribute(ATTRIBUTE);
        return state instanceof RequestState s ? s : null;
    }

    /** The correlation ID. */
    public String correlationId() {
        return context.correlationId();
    }

    /** The request context (correlation ID, deadline, incoming traceparent). */
    public RequestContext context() {
        return context;
    }

    /** The MDC key. */
    public String mdcKey() {
        return mdcKey;
    }
}
