package dev.upstreamguard.core.internal;

import java.lang.ref.Cleaner;

/**
 * Releases what a streamed body holds (its connection, its bulkhead permit, the deadline's watch) when the caller
 * drops the body without closing it and the garbage collector finds it unreachable: the connection is closed, not
 * returned to the pool, and a warning names the upstream. A safety net only: close the response, as the Javadoc
 * says; until the collector runs, the connection stays leased.
 *
 * <p>One daemon thread for the whole JVM, started with the first streamed response (the JDK's advice for cleaners:
 * few, shared). It holds no configuration.
 */
final class DroppedStreams {
    private DroppedStreams() {
    }

    /** Registers {@code body}; {@code call} must not refer to it. */
    static Cleaner.Cleanable watch(Object body, StreamCall call) {
        return Holder.CLEANER.register(body, call::dropped);
    }

    private static final class Holder {
        static final Cleaner CLEANER = Cleaner.create(r -> {
            Thread t = new Thread(r, "upstream-guard-dropped-streams");
            t.setDaemon(true);
            return t;
        });
    }
}
