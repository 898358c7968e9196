package dev.upstreamguard.benchmarks;

import java.nio.file.Path;

/**
 * How long and how often each suite runs. {@code --quick} is a smoke run (about a minute and a half): one short
 * round of everything, numbers too rough to quote.
 */
record Settings(boolean quick, Path logs, int clientRounds, int clientWarmupSeconds, int clientMeasureSeconds,
        int policyRounds, int policyWarmupSeconds, int policyMeasureSeconds, int loadPairs, int loadBurstMillis,
        int deadlineSamples, int retrySeconds, int scaleBurstMillis) {

    static Settings full(Path logs) {
        return new Settings(false, logs, 5, 4, 3, 2, 4, 3, 8, 2000, 256, 6, 2000);
    }

    static Settings quick(Path logs) {
        return new Settings(true, logs, 1, 1, 1, 1, 1, 1, 2, 500, 32, 2, 500);
    }
}
