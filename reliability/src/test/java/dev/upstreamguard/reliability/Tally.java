package dev.upstreamguard.reliability;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Thread-safe counters by key (a small, bounded set of keys such as {@code "chaos 502"}) and a record of problems:
 * all are counted, the first {@value #KEPT} are kept verbatim for the failure message.
 */
final class Tally {
    private static final int KEPT = 20;

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final LongAdder problems = new LongAdder();
    private final ConcurrentLinkedQueue<String> kept = new ConcurrentLinkedQueue<>();
    private final AtomicInteger keptCount = new AtomicInteger();

    void count(String key) {
        counts.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    long get(String key) {
        LongAdder a = counts.get(key);
        return a == null ? 0 : a.sum();
    }

    /** A sorted copy of the counters. */
    Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    void problem(String description) {
        problems.increment();
        if (keptCount.getAndIncrement() < KEPT) {
            kept.add(description);
        }
    }

    long problems() {
        return problems.sum();
    }

    /** The count and the first problems, one per line. */
    String problemSummary() {
        return problems.sum() + " problem(s); the first:\n  " + String.join("\n  ", kept);
    }
}
