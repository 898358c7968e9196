package dev.upstreamguard.servlet.internal;

import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.deadline.Deadline;
import dev.upstreamguard.core.deadline.DeadlineHeader;
import dev.upstreamguard.core.deadline.RequestContext;
import dev.upstreamguard.servlet.UpstreamGuardConfig;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;

/**
 * The filter's work, with everything precomputed from the configuration: opening a request (correlation ID,
 * deadline, context), wrapping the response, and answering failures.
 */
public final class GuardEngine {
    /** The request attribute with the correlation ID as a String (see the filter's constant). */
    public static final String CORRELATION_ID_ATTRIBUTE = "dev.upstreamguard.servlet.correlationId";

    private final UpstreamGuardConfig config;
    private final ErrorResponder responder;
    private final String[] correlationHeaders;
    private final boolean acceptTraceparent;
    private final String responseHeader;
    private final String mdcKey;
    private final Duration requestTimeout;
    private final String deadlineHeader;
    private final boolean[] intercepted;

    /** An engine for {@code config}; reads templates with {@code loader}. */
    public GuardEngine(UpstreamGuardConfig config, ClassLoader loader) {
        this.config = config;
        this.responder = new ErrorResponder(config, loader);
        this.correlationHeaders = config.correlationHeaders().toArray(new String[0]);
        this.acceptTraceparent = config.acceptTraceparent();
        this.responseHeader = config.responseHeader();
        this.mdcKey = config.mdcKey();
        this.requestTimeout = config.requestTimeout();
        this.deadlineHeader = config.trustDeadlineHeader() ? config.deadlineHeader() : null;
        if (config.interceptSendError()) {
            this.intercepted = new boolean[100];
            config.interceptedStatuses().forEach(s -> intercepted[s - 500] = true);
        } else {
            this.intercepted = null;
        }
    }

    /** The configuration. */
    public UpstreamGuardConfig config() {
        return config;
    }

    /** The response header echoing the correlation ID. */
    public String responseHeader() {
        return responseHeader;
    }

    /** Resolves the correlation ID and opens the deadline: the state of a request seen for the first time. */
    public RequestState open(HttpServletRequest request) {
        String id = null;
        for (String header : correlationHeaders) {
            String candidate = request.getHeader(header);
            if (CorrelationIds.isValid(candidate)) {
                id = candidate;
                break;
            }
        }
        String traceparent = request.getHeader("traceparent");
        String traceId = traceparent == null ? null : CorrelationIds.traceIdOf(traceparent);
        if (id == null && acceptTraceparent) {
            id = traceId;
        }
        if (id == null) {
            id = CorrelationIds.generate();
        }
        Deadline deadline = Deadline.after(requestTimeout);
        if (deadlineHeader != null) {
            Duration incoming = DeadlineHeader.parse(deadlineHeader, request.getHeader(deadlineHeader));
            if (incoming != null) {
                deadline = deadline.shortenTo(incoming);
            }
        }
        // Not stored on the request yet: GuardedRequest answers for it and stores it when it is needed later.
        return new RequestState(RequestContext.of(id, deadline, traceId == null ? null : traceparent), mdcKey);
    }

    /** The response the application gets; {@code request} is the one it gets (published before a sendError). */
    public GuardedResponse wrap(GuardedRequest request, HttpServletResponse response, RequestState state) {
        return new GuardedResponse(request, response, state.correlationId(), responseHeader, intercepted, responder);
    }

    /**
     * Answers {@code failure} when it is (or wraps) an {@link UpstreamException} and the response is not committed.
     *
     * @return false when the caller must rethrow: not an upstream failure (the container handles it as usual), or
     *     the response is committed (rethrowing makes the container abort it, so the client sees a broken transfer)
     */
    public boolean answer(HttpServletRequest request, HttpServletResponse response, RequestState state,
            Throwable failure) {
        UpstreamException e = Causes.findUpstreamException(failure);
        if (e == null) {
            return false;
        }
        if (!response.isCommitted()) {
            try {
                responder.respond(request, response, state.correlationId(), e);
                completeAsync(request);
                return true;
            } catch (IllegalStateException committedMeanwhile) {
                // Committed between the check and reset(): fall through to the committed case.
            }
        }
        responder.logCommitted(state.correlationId(), e);
        return false;
    }

    /** On an error dispatch caused by an upstream failure, answers it; false to let the error page run. */
    public boolean answerErrorDispatch(HttpServletRequest request, HttpServletResponse response, RequestState state) {
        Object failure = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        if (!(failure instanceof Throwable t) || response.isCommitted()) {
            return false;
        }
        UpstreamException e = Causes.findUpstreamException(t);
        if (e == null) {
            return false;
        }
        responder.respond(request, response, state.correlationId(), e);
        return true;
    }

    /** The page is the whole answer: ends an async cycle the failed code started, so it does not wait to time out. */
    private static void completeAsync(HttpServletRequest request) {
        if (request.isAsyncStarted()) {
            try {
                request.getAsyncContext().complete();
            } catch (IllegalStateException alreadyEnded) {
                // Completed or dispatched by another thread meanwhile.
            }
        }
    }
}
