package dev.upstreamguard.doctor.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

/**
 * Compares a time the probe measured with the truth (what the test server was told to do): within 20% or 250 ms,
 * whichever is larger. Prints one {@code MEASURED} line per comparison, for the record of measured values.
 */
public final class Measured {
    private Measured() {
    }

    public static void assertNear(String outcome, long measuredMillis, Duration truth) {
        long t = truth.toMillis();
        long tolerance = Math.max(250, t / 5);
        System.out.printf("MEASURED %-34s truth %6d ms  measured %6d ms  error %+5d ms%n", outcome, t,
                measuredMillis, measuredMillis - t);
        assertThat(measuredMillis).as(outcome + ": measured vs truth " + t + " ms")
                .isBetween(t - tolerance, t + tolerance);
    }
}
