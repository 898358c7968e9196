package dev.upstreamguard.reliability;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers that came later than their deadline plus slack, judged once the run is over: an answer is late by the
 * code only beyond the stalls of the whole process (a {@link HiccupMeter}'s) that it lived through. Judging at the
 * end matters: a stall is recorded when the meter's thread wakes, which may be after the delayed answers arrived.
 * Keeps at most 100,000 answers; any beyond count as unexplained.
 */
final class LateAnswers {
    private static final int KEPT = 100_000;

    private record Late(long startNanos, long tookNanos, long allowedNanos, String what) {
    }

    private final ConcurrentLinkedQueue<Late> pending = new ConcurrentLinkedQueue<>();
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong notKept = new AtomicLong();

    /** Records an answer that took {@code tookNanos} where {@code allowedNanos} (deadline + slack) were allowed. */
    void add(long startNanos, long tookNanos, long allowedNanos, String what) {
        if (total.incrementAndGet() <= KEPT) {
            pending.add(new Late(startNanos, tookNanos, allowedNanos, what));
        } else {
            notKept.incrementAndGet();
        }
    }

    /** Late answers recorded. */
    long total() {
        return total.get();
    }

    /**
     * Judges the recorded answers against {@code hiccups} (closed, so that it recorded every stall) and forgets them.
     *
     * @return the answers that the stalls do not explain, as problems ({@link Tally#problems()} counts them)
     */
    Tally unexplained(HiccupMeter hiccups, long runStartNanos) {
        Tally unexplained = new Tally();
        for (Late l = pending.poll(); l != null; l = pending.poll()) {
            long stalled = hiccups.stalledNanos(l.startNanos(), l.startNanos() + l.tookNanos());
            if (l.tookNanos() - stalled > l.allowedNanos()) {
                unexplained.problem(l.what() + " after " + l.tookNanos() / 1_000_000 + " ms, process stalled "
                        + stalled / 1_000_000 + " ms meanwhile, at " + (l.startNanos() - runStartNanos) / 1_000_000
                        + " ms into the run");
            }
        }
        for (long i = notKept.getAndSet(0); i > 0; i--) {
            unexplained.problem("a late answer beyond the first " + KEPT + " (not judged)");
        }
        return unexplained;
    }
}
