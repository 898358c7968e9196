package dev.upstreamguard.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hc.client5.http.classic.ExecRuntime;

/**
 * Enforces each attempt's time budget by closing its connection when the budget runs out. One per upstream.
 *
 * <p>HttpClient's response timeout is a per-read socket timeout: an upstream that trickles one byte a second never
 * trips it. Closing the endpoint makes the blocked read fail at once, whatever phase the attempt is in. Until the
 * attempt calls {@link Slot#finish()}, its slot fires again every few milliseconds, so an attempt that was still
 * leasing or connecting when the budget ran out is closed as soon as it has a connection.
 *
 * <p>Hand-rolled instead of one scheduled task per attempt: scheduling and cancelling a task per call costs an
 * allocation, the executor's lock and, whenever the new task becomes the earliest one, a wake-up of the timer
 * thread (microseconds on a small machine, more than the rest of the policy). Here an attempt takes a reusable
 * slot (one CAS, no allocation) and a single sweep, scheduled for the earliest armed deadline, closes the attempts
 * whose budget ran out. Attempts of one upstream mostly share one budget, so a new attempt's deadline is rarely
 * earlier than the pending sweep: the timer thread runs about once per budget period instead of once per call.
 * The guarantees are those of a task per attempt: the connection is closed at the deadline (the sweep is scheduled
 * for it), and once {@code finish()} has returned the slot never touches that attempt's runtime again (a slot is
 * fired only under its FIRING state, which {@code finish()} waits out).
 */
final class AttemptWatchdog {
    private static final long REFIRE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** {@link #nextSweep} when no sweep is pending. */
    private static final long NONE = Long.MIN_VALUE;

    private final ScheduledExecutorService scheduler;
    private final Slot[] slots;
    private final int mask;
    /** When the earliest pending sweep runs (System.nanoTime), or NONE. */
    private final AtomicLong nextSweep = new AtomicLong(NONE);
    private final Runnable sweep = this::sweep;

    /** A watchdog on {@code scheduler} with slots for about {@code concurrency} attempts at once. */
    AttemptWatchdog(ScheduledExecutorService scheduler, int concurrency) {
        this.scheduler = scheduler;
        // Twice the bulkhead limit, as a power of two: a free slot is found in a probe or two. More concurrent
        // attempts than slots (a larger shared bulkhead) fall back to a task of their own.
        int size = Integer.highestOneBit(Math.max(2, Math.min(concurrency, 1 << 14)) * 4 - 1);
        this.slots = new Slot[size];
        for (int i = 0; i < size; i++) {
            slots[i] = new Slot(this);
        }
        this.mask = size - 1;
    }

    /**
     * Arms a slot that closes {@code runtime}'s connection at {@code deadline} ({@link System#nanoTime()}); call
     * its finish() once.
     */
    Slot arm(ExecRuntime runtime, long deadline) {
        Slot slot = acquire();
        if (slot == null) {
            return Slot.alone(this, runtime, deadline);
        }
        slot.arm(runtime, deadline);
        try {
            sweepBy(deadline);
        } catch (RuntimeException rejected) {
            slot.finish();
            throw rejected;
        }
        return slot;
    }

    private Slot acquire() {
        // Each thread starts at its own place (a hash of its id), so a caller mostly takes the slot it took last
        // time, still in its CPU's cache, and callers on different threads rarely probe the same slots.
        int start = (int) (Thread.currentThread().getId() * 0x9E3779B97F4A7C15L >>> 32);
        for (int i = 0; i <= mask; i++) {
            Slot s = slots[(start + i) & mask];
            if (s.tryAcquire()) {
                return s;
            }
        }
        return null;
    }

    /** Makes sure a sweep runs no later than {@code deadline}. */
    private void sweepBy(long deadline) {
        for (;;) {
            long next = nextSweep.get();
            if (next != NONE && next - deadline <= 0) {
                return;
            }
            if (nextSweep.compareAndSet(next, deadline)) {
                try {
                    scheduler.schedule(sweep, deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException e) {
                    nextSweep.compareAndSet(deadline, NONE);
                    throw e;
                }
                return;
            }
        }
    }

    /** Fires every slot whose deadline has passed, then schedules the next sweep for the earliest one left. */
    private void sweep() {
        // Cleared first: an attempt armed from now on schedules its own sweep, unless this one sees it below.
        nextSweep.set(NONE);
        long now = System.nanoTime();
        long earliest = NONE;
        for (Slot s : slots) {
            long due = s.fireIfDue(now);
            if (due != NONE && (earliest == NONE || due - earliest < 0)) {
                earliest = due;
            }
        }
        if (earliest != NONE) {
            try {
                sweepBy(earliest);
            } catch (RejectedExecutionException shutDown) {
                // The upstream is closing: nothing left to guard.
            }
        }
    }

    /** One attempt's watch. Reused: after finish() it may serve another attempt. */
    static final class Slot {
        private static final int FREE = 0;
        private static final int SETUP = 1;
        private static final int ARMED = 2;
        private static final int FIRING = 3;
        private static final int FIRED = 4;
        private static final int CLOSING = 5;
        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Slot.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final AttemptWatchdog owner;
        private volatile int state;
        /** Written before the volatile write of ARMED (by the attempt) or FIRED (by the sweep) that publishes it. */
        private long deadline;
        private ExecRuntime runtime;
        /** Only for a slot outside the pool: its own timer task. */
        private ScheduledFuture<?> task;

        private Slot(AttemptWatchdog owner) {
            this.owner = owner;
        }

        /** A slot outside the pool, on a task of its own: when more attempts run at once than the pool holds. */
        static Slot alone(AttemptWatchdog owner, ExecRuntime runtime, long deadline) {
            Slot s = new Slot(owner);
            s.state = SETUP;
            s.arm(runtime, deadline);
            synchronized (s) {
                s.task = owner.scheduler.schedule(s::fireAlone, deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            }
            return s;
        }

        private boolean tryAcquire() {
            return state == FREE && STATE.compareAndSet(this, FREE, SETUP);
        }

        private void arm(ExecRuntime rt, long due) {
            this.runtime = rt;
            this.deadline = due;
            this.state = ARMED;
        }

        /** Closes the attempt's connection if its deadline has passed; returns its next due time, or NONE. */
        private long fireIfDue(long now) {
            int s = state;
            if (s != ARMED && s != FIRED) {
                return NONE;
            }
            if (deadline - now > 0) {
                return deadline;
            }
            if (!STATE.compareAndSet(this, s, FIRING)) {
                return NONE; // finished meanwhile
            }
            // Read again under FIRING: the slot may have been finished and re-armed between the reads above.
            long due = deadline;
            if (due - now > 0) {
                state = s;
                return due;
            }
            try {
                runtime.discardEndpoint();
            } catch (RuntimeException ignored) {
                // Closing is best effort; the attempt still sees its budget as spent.
            }
            deadline = now + REFIRE_NANOS;
            state = FIRED;
            return now + REFIRE_NANOS;
        }

        private void fireAlone() {
            long due = fireIfDue(System.nanoTime());
            if (due != NONE) {
                synchronized (this) {
                    if (state == ARMED || state == FIRED) {
                        try {
                            task = owner.scheduler.schedule(this::fireAlone, due - System.nanoTime(),
                                    TimeUnit.NANOSECONDS);
                        } catch (RejectedExecutionException shutDown) {
                            // The upstream is closing.
                        }
                    }
                }
            }
        }

        /**
         * Disarms the watch; after this it never touches the attempt's runtime again. Call once per arm.
         *
         * @return true when the attempt finished within its budget
         */
        boolean finish() {
            for (;;) {
                int s = state;
                if (s == ARMED || s == FIRED) {
                    if (STATE.compareAndSet(this, s, CLOSING)) {
                        runtime = null;
                        if (task != null) {
                            synchronized (this) {
                                task.cancel(false);
                            }
                        } else {
                            state = FREE;
                        }
                        return s == ARMED;
                    }
                } else if (s == FIRING) {
                    Thread.onSpinWait(); // the sweep is closing the connection right now: a few microseconds
                } else {
                    throw new IllegalStateException("attempt watch finished twice");
                }
            }
        }
    }
}
