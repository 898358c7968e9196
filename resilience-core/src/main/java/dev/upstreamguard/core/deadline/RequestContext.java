package dev.upstreamguard.core.deadline;

import java.util.Objects;

/**
 * What an incoming request hands to the upstream calls made on its behalf: its correlation ID, its deadline and
 * its W3C trace context. Immutable.
 *
 * <p>The servlet filter opens one per request with {@link #attach()}; {@code Upstream} reads
 * {@link #current()} to bound its attempts and to propagate the ID. Code that hands work to another thread
 * attaches the same context there:
 *
 * <pre>{@code
 * RequestContext ctx = RequestContext.current();
 * executor.submit(() -> {
 *     try (RequestContext.Scope ignored = ctx.attach()) {
 *         return upstream.execute(request);
 *     }
 * });
 * }</pre>
 *
 * <p>The context is thread-bound (like SLF4J's MDC): this is the one piece of per-thread state in core, and a
 * scope always restores what was attached before it.
 */
public final class RequestContext {
    // Thread-bound by design: the request context must reach HttpClient's exec chain without changing call sites.
    private static final ThreadLocal<RequestContext> CURRENT = new ThreadLocal<>();

    private final String correlationId;
    private final Deadline deadline;
    private final String traceparent;

    private RequestContext(String correlationId, Deadline deadline, String traceparent) {
        this.correlationId = correlationId;
        this.deadline = deadline;
        this.traceparent = traceparent;
    }

    /** A context with the given parts; any may be {@code null}. */
    public static RequestContext of(String correlationId, Deadline deadline, String traceparent) {
        return new RequestContext(correlationId, deadline, traceparent);
    }

    /** The context attached to this thread, or {@code null} when none is. */
    public static RequestContext current() {
        return CURRENT.get();
    }

    /** The correlation ID, or {@code null}. */
    public String correlationId() {
        return correlationId;
    }

    /** The request deadline, or {@code null} when the request has none. */
    public Deadline deadline() {
        return deadline;
    }

    /** The incoming W3C {@code traceparent} header, or {@code null}. */
    public String traceparent() {
        return traceparent;
    }

    /** A copy with another deadline. */
    public RequestContext withDeadline(Deadline newDeadline) {
        return new RequestContext(correlationId, newDeadline, traceparent);
    }

    /** Attaches this context to the current thread until the returned scope is closed. */
    public Scope attach() {
        RequestContext previous = CURRENT.get();
        CURRENT.set(this);
        return new Scope(previous);
    }

    /** Restores the previously attached context when closed. Close it on the thread that attached it. */
    public static final class Scope implements AutoCloseable {
        private final RequestContext previous;
        private boolean closed;

        private Scope(RequestContext previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    @Override
    public String toString() {
        return "RequestContext[correlationId=" + correlationId + ", deadline=" + deadline + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RequestContext other
                && Objects.equals(correlationId, other.correlationId)
                && deadline == other.deadline
                && Objects.equals(traceparent, other.traceparent);
    }

    @Override
    public int hashCode() {
        return Objects.hash(correlationId, System.identityHashCode(deadline), traceparent);
    }
}
