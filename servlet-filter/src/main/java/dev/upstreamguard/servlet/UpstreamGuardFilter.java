package dev.upstreamguard.servlet;

import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.deadline.RequestContext;
import dev.upstreamguard.servlet.internal.GuardEngine;
import dev.upstreamguard.servlet.internal.GuardedRequest;
import dev.upstreamguard.servlet.internal.InitParameters;
import dev.upstreamguard.servlet.internal.RequestState;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Objects;
import org.slf4j.MDC;

/**
 * The servlet filter of Upstream Guard. For each request it:
 * <ol>
 *   <li>resolves the <b>correlation ID</b> (a valid incoming one from the configured headers or a
 *       {@code traceparent} trace-id, else a new one), puts it in the SLF4J MDC and the request attribute
 *       {@link #CORRELATION_ID_ATTRIBUTE}, and echoes it in a response header on every response;</li>
 *   <li>opens the request's <b>deadline</b> and attaches a {@link RequestContext}, which core reads to bound and
 *       tag its upstream calls;</li>
 *   <li>answers an {@link UpstreamException} thrown below it (also wrapped, e.g. in a {@code ServletException})
 *       with the error response: status, {@code Proxy-Status}, {@code Retry-After}, and an HTML page,
 *       {@code application/problem+json} or {@code text/plain} chosen by {@code Accept}; if the response is already
 *       committed it logs and rethrows, so that the container aborts the response;</li>
 *   <li>answers the application's own {@code sendError(502|503|504)} with the same page;</li>
 *   <li>clears the MDC and the context when the dispatch ends, also for async dispatches.</li>
 * </ol>
 * Other exceptions pass through untouched.
 *
 * <p>Register it first in the chain, with async support, for the {@code REQUEST}, {@code ASYNC} and {@code ERROR}
 * dispatcher types:
 * programmatically with {@link #UpstreamGuardFilter(UpstreamGuardConfig)}, or in {@code web.xml} with the no-arg
 * constructor and init-params named after the builder's options in kebab-case ({@code request-timeout},
 * {@code correlation-headers}, {@code template-locations}, {@code show-upstream-name}, ...; see the README).
 * Unknown init-params fail start-up.
 */
public final class UpstreamGuardFilter implements Filter {
    /**
     * The request attribute holding the correlation ID (a String) for the rest of the request: answered by the
     * request the filter passes on, and written onto the container's request when the request goes async, fails
     * into an error dispatch or sends an error (access logs outside the filter should log the response header).
     */
    public static final String CORRELATION_ID_ATTRIBUTE = GuardEngine.CORRELATION_ID_ATTRIBUTE;

    private volatile GuardEngine engine;

    /** For {@code web.xml}: the configuration is read from init-params in {@link #init(FilterConfig)}. */
    public UpstreamGuardFilter() {
    }

    /** A filter with {@code config}; init-params are then ignored. Templates are read here. */
    public UpstreamGuardFilter(UpstreamGuardConfig config) {
        Objects.requireNonNull(config, "config");
        this.engine = new GuardEngine(config, loader(Thread.currentThread().getContextClassLoader()));
    }

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        if (engine != null) {
            return;
        }
        ClassLoader loader = loader(filterConfig.getServletContext().getClassLoader());
        try {
            UpstreamGuardConfig config = InitParameters.parse(filterConfig::getInitParameter,
                    Collections.list(filterConfig.getInitParameterNames()), loader);
            engine = new GuardEngine(config, loader);
        } catch (RuntimeException e) {
            throw new ServletException("Filter " + filterConfig.getFilterName() + ": " + e.getMessage(), e);
        }
    }

    /** The configuration in use; fails before {@link #init(FilterConfig)} for a filter built without one. */
    public UpstreamGuardConfig config() {
        return engine().config();
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        GuardEngine e = engine();
        if (!(request instanceof HttpServletRequest req) || !(response instanceof HttpServletResponse res)) {
            chain.doFilter(request, response);
            return;
        }
        RequestState state = RequestState.of(req); // set on an earlier dispatch of the same request
        boolean known = state != null;
        if (!known) {
            state = e.open(req);
        }
        String mdcKey = state.mdcKey();
        String previousId = MDC.get(mdcKey);
        MDC.put(mdcKey, state.correlationId());
        RequestContext.Scope scope = state.context().attach();
        try {
            if (!res.isCommitted()) {
                res.setHeader(e.responseHeader(), state.correlationId());
            }
            if (req.getDispatcherType() == DispatcherType.ERROR && e.answerErrorDispatch(req, res, state)) {
                return;
            }
            GuardedRequest guarded = new GuardedRequest(req, state, known);
            try {
                chain.doFilter(guarded, e.wrap(guarded, res, state));
            } catch (IOException | ServletException | RuntimeException failure) {
                if (!e.answer(req, res, state, failure)) {
                    guarded.publish(); // the container's error dispatch comes next
                    throw failure;
                }
            }
            if (req.isAsyncStarted()) {
                guarded.publish(); // started on the container's request, not through the wrapper
            }
        } finally {
            scope.close();
            if (previousId == null) {
                MDC.remove(mdcKey);
            } else {
                MDC.put(mdcKey, previousId);
            }
        }
    }

    private static ClassLoader loader(ClassLoader preferred) {
        if (preferred != null) {
            return preferred;
        }
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : UpstreamGuardFilter.class.getClassLoader();
    }

    private GuardEngine engine() {
        GuardEngine e = engine;
        if (e == null) {
            throw new IllegalStateException("UpstreamGuardFilter was not initialised: the container calls init(),"
                    + " or construct it with an UpstreamGuardConfig");
        }
        return e;
    }

    @Override
    public void destroy() {
        // Nothing to release: the engine holds no threads or connections.
    }
}
