package dev.upstreamguard.doctor.probe;

import dev.upstreamguard.core.classify.FailureKind;
import java.io.IOException;

/** A response that breaks HTTP in a way with its own failure kind (bad status line, broken chunk, bad gzip...). */
final class Malformed extends IOException {
    private static final long serialVersionUID = 1L;
    final transient FailureKind kind;

    Malformed(FailureKind kind, String summary) {
        super(summary);
        this.kind = kind;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // a verdict, not a bug: no stack needed
    }
}
