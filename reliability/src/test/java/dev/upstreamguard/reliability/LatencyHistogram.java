package dev.upstreamguard.reliability;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A thread-safe latency histogram of constant size: buckets 1% wide from 1 microsecond to about 10 minutes, so a
 * percentile is exact to within 1% (reported as the bucket's upper bound, never below the truth). The maximum is
 * exact.
 */
final class LatencyHistogram {
    private static final double GROWTH = 1.01;
    private static final int BUCKETS = 2100; // 1.01^2100 us is about 1.2e9 s: far beyond any bounded test
    private static final double LOG_GROWTH = Math.log(GROWTH);

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong max = new AtomicLong();

    void record(long nanos) {
        long micros = Math.max(1, nanos / 1000);
        int bucket = (int) Math.min(BUCKETS - 1, Math.ceil(Math.log(micros) / LOG_GROWTH));
        counts.incrementAndGet(bucket);
        total.incrementAndGet();
        max.accumulateAndGet(nanos, Math::max);
    }

    long count() {
        return total.get();
    }

    /** The latency below which a fraction {@code p} (0..1) of the samples fall, in milliseconds; 0 when empty. */
    double percentileMillis(double p) {
        long n = total.get();
        if (n == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(p * n));
        long seen = 0;
        for (int b = 0; b < BUCKETS; b++) {
            seen += counts.get(b);
            if (seen >= rank) {
                return Math.min(Math.pow(GROWTH, b) / 1000.0, maxMillis());
            }
        }
        return maxMillis();
    }

    double maxMillis() {
        return max.get() / 1e6;
    }
}
