package dev.upstreamguard.doctor.probe;

import java.time.Duration;

/** The probe's one time budget: every wait is cut to what remains of it. */
final class Budget {
    private final long start = System.nanoTime();
    private final long deadline;

    Budget(Duration total) {
        this.deadline = start + total.toNanos();
    }

    Duration remaining() {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    boolean expired() {
        return deadline - System.nanoTime() <= 0;
    }

    /** {@code cap} cut to the remaining budget, in milliseconds for a socket timeout: at least 1 (0 means forever). */
    int timeoutMillis(Duration cap) {
        long ms = Math.min(ceilMillis(cap), ceilMillis(remaining()));
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, ms));
    }

    private static long ceilMillis(Duration d) {
        long nanos = d.toNanos();
        return nanos / 1_000_000 + (nanos % 1_000_000 > 0 ? 1 : 0);
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
