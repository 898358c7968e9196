package dev.upstreamguard.doctor.probe;

import java.util.Locale;

/** The phases of a probe, in the order they run; names as curl, httpstat and the blackbox exporter use them. */
public enum ProbePhase {
    /** Name resolution: every address, in order. */
    RESOLVE,
    /** TCP connect to every resolved address. */
    CONNECT,
    /** The TLS handshake (https only). */
    TLS,
    /** Request sent until the first response byte (time to first byte), status line and headers. */
    PROCESSING,
    /** The response body: framing, length, chunked and gzip validity. */
    TRANSFER,
    /** Reuse of the connection after idle periods and the time after which the upstream closes it. */
    KEEP_ALIVE;

    /** The lower-case name used in JSON, tables and metric tags: {@code resolve} ... {@code keep_alive}. */
    public String tagValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
