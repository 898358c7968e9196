package dev.upstreamguard.reliability;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures how late the platform runs a thread (as jHiccup does): a thread that asks to wake every 5 ms records
 * how much later than asked it woke. A hiccup (a GC pause, or CPU starvation on a shared machine) delays every
 * request in flight by as much, whatever the code under test does. The hiccups over 10 ms are kept (the latest
 * 8192, in a fixed-size ring), so that a late answer can be compared with the stalls it lived through.
 */
final class HiccupMeter implements AutoCloseable {
    private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long KEPT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final int RING = 8192;

    private final Thread thread;
    private final AtomicLong max = new AtomicLong();
    private final AtomicLong over100ms = new AtomicLong();
    private final AtomicLongArray ends = new AtomicLongArray(RING);
    private final AtomicLongArray lengths = new AtomicLongArray(RING);
    private final AtomicInteger next = new AtomicInteger();
    private volatile boolean running = true;

    HiccupMeter(String name) {
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running) {
            long before = System.nanoTime();
            LockSupport.parkNanos(PERIOD_NANOS);
            long now = System.nanoTime();
            long late = now - before - PERIOD_NANOS;
            max.accumulateAndGet(late, Math::max);
            if (late > TimeUnit.MILLISECONDS.toNanos(100)) {
                over100ms.incrementAndGet();
            }
            if (late > KEPT_NANOS) {
                int i = next.getAndIncrement() & (RING - 1);
                lengths.set(i, 0); // never a half-written entry with a new end and an old length
                ends.set(i, now);
                lengths.set(i, late);
            }
        }
    }

    /** The longest hiccup so far, in milliseconds. */
    double maxMillis() {
        return max.get() / 1e6;
    }

    /** Hiccups longer than 100 ms so far. */
    long over100ms() {
        return over100ms.get();
    }

    /** How long, within {@code [from, to]} (System.nanoTime), the platform did not run this meter's thread. */
    long stalledNanos(long from, long to) {
        long stalled = 0;
        for (int i = 0; i < RING; i++) {
            long length = lengths.get(i);
            long end = ends.get(i);
            if (length == 0) {
                continue;
            }
            long start = end - length;
            long overlap = Math.min(end, to) - Math.max(start, from);
            if (overlap > 0) {
                stalled += overlap;
            }
        }
        return stalled;
    }

    /** Calls {@code consumer} with the end (System.nanoTime) and length of every hiccup kept. */
    void forEachKept(java.util.function.BiConsumer<Long, Long> consumer) {
        for (int i = 0; i < RING; i++) {
            long length = lengths.get(i);
            if (length != 0) {
                consumer.accept(ends.get(i), length);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
