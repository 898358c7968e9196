package dev.upstreamguard.servlet.testing;

import dev.upstreamguard.core.deadline.RequestContext;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.MDC;

/**
 * A filter in front of the guard filter: records what the thread holds once the guard filter has returned (MDC
 * and request context must be gone), optionally with an MDC value of its own that must survive.
 */
public final class Probe implements Filter {
    /** What the thread held after the chain returned. */
    public record Snapshot(String mdc, RequestContext context, String thread) {
    }

    private final String mdcKey;
    private final String outerValue;
    private final BlockingQueue<Snapshot> after = new LinkedBlockingQueue<>();

    public Probe(String mdcKey, String outerValue) {
        this.mdcKey = mdcKey;
        this.outerValue = outerValue;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (outerValue != null) {
            MDC.put(mdcKey, outerValue);
        }
        try {
            chain.doFilter(request, response);
        } finally {
            after.add(new Snapshot(MDC.get(mdcKey), RequestContext.current(), Thread.currentThread().getName()));
            MDC.remove(mdcKey);
        }
    }

    /** The next snapshot if one is there, else null. */
    public Snapshot poll() {
        return after.poll();
    }

    /** The next snapshot, waiting up to 5 s. */
    public Snapshot next() throws InterruptedException {
        Snapshot s = after.poll(5, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("no request passed the probe");
        }
        return s;
    }
}
