package dev.upstreamguard.reliability;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.test.Fault;
import java.time.Duration;
import java.util.List;
import org.apache.hc.core5.util.TimeValue;

/** Upstreams and faults shared by the tests. */
final class Fixtures {
    static final String JSON_OK = "{\"ok\":true}";

    private Fixtures() {
    }

    /**
     * An upstream on {@code baseUri} whose idle pooled connections are closed after 1 s (HttpClient's idle
     * evictor), so that at the end of a run no idle keep-alive connection, and no faulty-upstream thread serving
     * one, is left over: the thread and connection counts can then be compared with the baseline as they are.
     */
    static Upstream upstream(String name, String baseUri, UpstreamPolicy policy) {
        return Upstream.builder(name).baseUri(baseUri).policy(policy)
                .customizeClient(b -> b.evictIdleConnections(TimeValue.ofSeconds(1)))
                .build();
    }

    /** Every fault of the catalogue, healthy answers included; "refuse" needs no server (a closed port). */
    static List<Fault> catalogue() {
        return List.of(
                Fault.ok("application/json", JSON_OK),
                Fault.ok("fine"),
                Fault.status(500, "boom"),
                Fault.status(502, "bad gateway further up"),
                Fault.status(503, "busy", "Retry-After", "1"),
                Fault.status(504, "timed out further up"),
                Fault.acceptThenClose(),
                Fault.closeAfterRequest(),
                Fault.resetAfterRequest(),
                Fault.blackhole(),
                Fault.slowHeaders(Duration.ofMillis(150)),
                Fault.slowHeaders(Duration.ofSeconds(3)),
                Fault.trickle("x".repeat(40), Duration.ofMillis(50)),
                Fault.trickle("tiny", Duration.ofMillis(5)),
                Fault.truncatedBody(100, "partial"),
                Fault.brokenChunked(),
                Fault.truncatedChunked(),
                Fault.garbage(),
                Fault.invalidStatusLine(),
                Fault.invalidStatusLine("HTTP/1.1 999 Nope"),
                Fault.oversizedHeaders(64 * 1024),
                Fault.oversizedHeaderLine(16 * 1024),
                Fault.badGzip(),
                Fault.closeAfterResponse(JSON_OK),
                Fault.sequence(Fault.resetAfterRequest(), Fault.ok("application/json", JSON_OK)));
    }
}
