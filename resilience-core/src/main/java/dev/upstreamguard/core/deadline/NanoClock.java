package dev.upstreamguard.core.deadline;

/**
 * A monotonic clock in nanoseconds, injectable so that deadline, backoff and budget tests never sleep.
 */
@FunctionalInterface
public interface NanoClock {
    /** The system's monotonic clock ({@link System#nanoTime()}). */
    NanoClock SYSTEM = System::nanoTime;

    /** Current monotonic time in nanoseconds; only differences are meaningful. */
    long nanoTime();
}
