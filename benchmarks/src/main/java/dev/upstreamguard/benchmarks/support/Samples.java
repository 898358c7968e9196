package dev.upstreamguard.benchmarks.support;

import java.util.Arrays;
import java.util.List;

/** Percentiles, medians and spreads of measurements. */
public final class Samples {
    private Samples() {
    }

    /** The {@code p}-th percentile (0..100) of {@code values} by nearest rank; NaN when empty. */
    public static double percentile(long[] values, int count, double p) {
        if (count == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        return sorted[rank(count, p)];
    }

    /** The {@code p}-th percentile of already sorted values. */
    public static double percentileSorted(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[rank(sorted.length, p)];
    }

    private static int rank(int count, double p) {
        int r = (int) Math.ceil(p / 100.0 * count) - 1;
        return Math.max(0, Math.min(count - 1, r));
    }

    /** The median (mean of the two middle values for an even count); NaN when empty. */
    public static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    public static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    public static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    public static double mean(long[] values, int count) {
        if (count == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += values[i];
        }
        return sum / count;
    }
}
