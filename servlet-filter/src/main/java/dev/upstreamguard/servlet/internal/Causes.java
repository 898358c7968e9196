package dev.upstreamguard.servlet.internal;

import dev.upstreamguard.core.UpstreamException;
import jakarta.servlet.ServletException;

/** Finds an {@link UpstreamException} in a cause chain (ServletException, framework wrappers, ...). */
public final class Causes {
    private static final int MAX_DEPTH = 32;

    private Causes() {
    }

    /** The first {@link UpstreamException} in {@code t}'s cause chain, or {@code null}. Safe on cyclic chains. */
    public static UpstreamException findUpstreamException(Throwable t) {
        Throwable current = t;
        for (int depth = 0; current != null && depth < MAX_DEPTH; depth++) {
            if (current instanceof UpstreamException ue) {
                return ue;
            }
            Throwable next = current.getCause();
            if (next == null && current instanceof ServletException se) {
                next = se.getRootCause();
            }
            current = next == current ? null : next;
        }
        return null;
    }
}
