package dev.upstreamguard.doctor.realproxy;

import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;

/**
 * The misbehaving backend behind the real proxies: the fault kit's upstream with one fault per request path.
 * {@code /silent} never answers, {@code /early} closes after reading the request, {@code /partial} promises 100 bytes
 * and closes after 10, {@code /bigheader} sends a 16 KiB header line, {@code /badchunk} sends a malformed chunk;
 * anything else gets a 200.
 */
final class FaultyBackend {
    private FaultyBackend() {
    }

    /** Started and listening on 127.0.0.1; the caller closes it. */
    static FaultyUpstream start() {
        return FaultyUpstream.start(Fault.status(200, "ok", "Connection", "close"))
                .on("/silent", Fault.blackhole())
                .on("/early", Fault.closeAfterRequest())
                .on("/partial", Fault.truncatedBody(100, "0123456789"))
                .on("/bigheader", Fault.oversizedHeaderLine(16 * 1024))
                .on("/badchunk", Fault.brokenChunked());
    }
}
