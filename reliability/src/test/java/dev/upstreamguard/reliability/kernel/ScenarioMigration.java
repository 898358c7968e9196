package dev.upstreamguard.reliability.kernel;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.UpstreamResponse;
import java.io.BufferedReader;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;

/**
 * Migration mode: calls back to back (the pooled connection never idles) while the suite changes the DNS record;
 * records when traffic first and last reached each address after the change, and where the pool's connections go
 * at the end.
 */
final class ScenarioMigration {
    private ScenarioMigration() {
    }

    static void run(Upstream upstream, BufferedReader control, long migrateAfterMs, long runAfterMs,
            Map<String, String> result) {
        long start = System.nanoTime();
        long changedAt = -1;
        String firstAddress = null;
        long lastOldMs = -1;
        long firstNewMs = -1;
        int callsAfter = 0;
        int oldAfter = 0;
        int failed = 0;
        for (int i = 0; i < 200_000; i++) {
            long now = ms(start);
            if (changedAt < 0 && now >= migrateAfterMs) {
                Scenario.event("migrate", control);
                changedAt = ms(start);
            }
            if (changedAt >= 0 && ms(start) - changedAt > runAfterMs) {
                break;
            }
            String servedBy;
            try {
                UpstreamResponse r = upstream.execute(ClassicRequestBuilder.get("/data").build());
                servedBy = r.header("X-Served-By");
            } catch (UpstreamException e) {
                failed++;
                continue;
            }
            if (firstAddress == null) {
                firstAddress = servedBy;
            }
            if (changedAt >= 0) {
                callsAfter++;
                long since = ms(start) - changedAt;
                if (firstAddress.equals(servedBy)) {
                    oldAfter++;
                    lastOldMs = since;
                } else if (firstNewMs < 0) {
                    firstNewMs = since;
                }
            }
        }
        result.put("firstAddress", String.valueOf(firstAddress));
        result.put("callsAfterChange", String.valueOf(callsAfter));
        result.put("oldAfterChange", String.valueOf(oldAfter));
        result.put("lastOldMs", String.valueOf(lastOldMs));
        result.put("firstNewMs", String.valueOf(firstNewMs));
        result.put("failed", String.valueOf(failed));
        // What health and the upstreams endpoint show: the addresses the pool's connections go to at the end.
        result.put("poolAddresses", String.valueOf(upstream.connectionAddresses()));
    }

    private static long ms(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
