package dev.upstreamguard.servlet;

import dev.upstreamguard.core.deadline.RequestContext;
import dev.upstreamguard.servlet.internal.RequestState;
import jakarta.servlet.ServletRequest;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.slf4j.MDC;

/**
 * Carries a request's correlation ID and deadline to other threads. The filter sets them on the threads it runs
 * on; work handed to an executor or to {@code AsyncContext.start} needs them too, so that its logs carry the ID and
 * its upstream calls forward it and respect the deadline:
 *
 * <pre>{@code
 * AsyncContext async = request.startAsync();
 * async.start(RequestCorrelation.wrap(request, () -> { ... upstream.execute(...) ...; async.complete(); }));
 * }</pre>
 *
 * The wrapped task restores the thread's previous MDC value and context when it ends.
 */
public final class RequestCorrelation {
    private RequestCorrelation() {
    }

    /** The correlation ID of {@code request}, or {@code null} when the filter has not seen it. */
    public static String correlationId(ServletRequest request) {
        RequestState state = RequestState.of(request);
        return state == null ? null : state.correlationId();
    }

    /** {@code task} running with {@code request}'s correlation ID and context; unchanged when there are none. */
    public static Runnable wrap(ServletRequest request, Runnable task) {
        Objects.requireNonNull(task, "task");
        RequestState state = RequestState.of(request);
        if (state == null) {
            return task;
        }
        return () -> {
            String previous = MDC.get(state.mdcKey());
            MDC.put(state.mdcKey(), state.correlationId());
            RequestContext.Scope scope = state.context().attach();
            try {
                task.run();
            } finally {
                scope.close();
                restore(state.mdcKey(), previous);
            }
        };
    }

    /** {@code task} running with {@code request}'s correlation ID and context; unchanged when there are none. */
    public static <T> Callable<T> wrap(ServletRequest request, Callable<T> task) {
        Objects.requireNonNull(task, "task");
        RequestState state = RequestState.of(request);
        if (state == null) {
            return task;
        }
        return () -> {
            String previous = MDC.get(state.mdcKey());
            MDC.put(state.mdcKey(), state.correlationId());
            RequestContext.Scope scope = state.context().attach();
            try {
                return task.call();
            } finally {
                scope.close();
                restore(state.mdcKey(), previous);
            }
        };
    }

    private static void restore(String key, String previous) {
        if (previous == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, previous);
        }
    }
}
