package dev.upstreamguard.core.deadline;

import java.time.Duration;
import java.util.Objects;

/**
 * A point in monotonic time by which a logical request must be answered. Immutable.
 *
 * <p>One deadline is opened per incoming request (by the servlet filter, or per call from the upstream policy);
 * every wait of every attempt is cut to what {@link #remaining()} returns.
 */
public final class Deadline {
    private final long expiresAtNanos;
    private final NanoClock clock;

    private Deadline(long expiresAtNanos, NanoClock clock) {
        this.expiresAtNanos = expiresAtNanos;
        this.clock = clock;
    }

    /** A deadline {@code budget} from now on the system clock. */
    public static Deadline after(Duration budget) {
        return after(budget, NanoClock.SYSTEM);
    }

    /** A deadline {@code budget} from now on {@code clock}. */
    public static Deadline after(Duration budget, NanoClock clock) {
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(clock, "clock");
        if (budget.isNegative()) {
            throw new IllegalArgumentException("deadline budget must not be negative, but was " + budget);
        }
        long now = clock.nanoTime();
        return new Deadline(now + saturatedNanos(budget), clock);
    }

    /** Nanoseconds left, never negative. */
    public long remainingNanos() {
        return Math.max(0, expiresAtNanos - clock.nanoTime());
    }

    /** Time left, never negative. */
    public Duration remaining() {
        return Duration.ofNanos(remainingNanos());
    }

    /** Whether no time is left. */
    public boolean isExpired() {
        return expiresAtNanos - clock.nanoTime() <= 0;
    }

    /** The earlier of this deadline and one {@code budget} from now. */
    public Deadline shortenTo(Duration budget) {
        long candidate = clock.nanoTime() + saturatedNanos(budget);
        return candidate - expiresAtNanos < 0 ? new Deadline(candidate, clock) : this;
    }

    /** The clock this deadline measures against. */
    public NanoClock clock() {
        return clock;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE / 4;
        }
    }

    @Override
    public String toString() {
        return "Deadline[remaining=" + remaining().toMillis() + "ms]";
    }
}
