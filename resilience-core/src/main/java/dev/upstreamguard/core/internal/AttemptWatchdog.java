package dev.upstreamguard.core.internal;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.ExecRuntime;

/**
 * Enforces one attempt's time budget by closing its connection when the budget runs out.
 *
 * <p>HttpClient's response timeout is a per-read socket timeout: an upstream that trickles one byte a second never
 * trips it. Closing the endpoint makes the blocked read fail at once, whatever phase the attempt is in. Until the
 * attempt thread calls {@link #finish()}, the watchdog fires again every few milliseconds, so an attempt that was
 * still leasing or connecting when the budget ran out is closed as soon as it has a connection.
 */
final class AttemptWatchdog implements Runnable {
    private static final long REFIRE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final int RUNNING = 0;
    private static final int FIRED = 1;
    private static final int DONE = 2;

    private final ScheduledExecutorService scheduler;
    private final ExecRuntime runtime;
    private int state;
    private ScheduledFuture<?> future;

    private AttemptWatchdog(ScheduledExecutorService scheduler, ExecRuntime runtime) {
        this.scheduler = scheduler;
        this.runtime = runtime;
    }

    /** Arms a watchdog that closes {@code runtime}'s connection after {@code budgetNanos}. */
    static AttemptWatchdog arm(ScheduledExecutorService scheduler, ExecRuntime runtime, long budgetNanos) {
        AttemptWatchdog w = new AttemptWatchdog(scheduler, runtime);
        synchronized (w) {
            w.future = scheduler.schedule(w, budgetNanos, TimeUnit.NANOSECONDS);
        }
        return w;
    }

    @Override
    public synchronized void run() {
        if (state == DONE) {
            return;
        }
        state = FIRED;
        // Under the lock: once finish() has run, the runtime may serve the next attempt and must not be touched.
        runtime.discardEndpoint();
        future = scheduler.schedule(this, REFIRE_NANOS, TimeUnit.NANOSECONDS);
    }

    /** Whether the budget ran out. */
    synchronized boolean fired() {
        return state == FIRED;
    }

    /**
     * Disarms the watchdog; after this it never touches the runtime again.
     *
     * @return true when the attempt finished within its budget
     */
    synchronized boolean finish() {
        boolean inTime = state == RUNNING;
        state = DONE;
        if (future != null) {
            future.cancel(false);
        }
        return inTime;
    }
}
