package dev.upstreamguard.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * Collects a {@link Fault}'s fields for its static factories, which stay the only way in from outside this package;
 * {@link Fault}'s constructor reads the fields directly.
 */
final class FaultBuilder {
    final Fault.Kind kind;
    int code;
    List<String> headers = List.of();
    byte[] body = new byte[0];
    Duration delay;
    int size;
    List<Fault> steps = List.of();
    String statusLine;
    int chunk;
    Fault.Close close;
    Fault.Reuse reuse;
    Fault.After after;
    Duration advertised;
    Function<RecordedRequest, Fault> dynamic;
    double probability;
    long seed;
    long streamed;

    FaultBuilder(Fault.Kind kind) {
        this.kind = kind;
    }

    FaultBuilder code(int v) { code = v; return this; }
    FaultBuilder headers(List<String> v) { headers = v; return this; }
    FaultBuilder body(String v) { body = v.getBytes(StandardCharsets.UTF_8); return this; }
    FaultBuilder rawBody(byte[] v) { body = v; return this; }
    FaultBuilder delay(Duration v) { delay = v; return this; }
    FaultBuilder size(int v) { size = v; return this; }
    FaultBuilder steps(List<Fault> v) { steps = v; return this; }
    FaultBuilder statusLine(String v) { statusLine = v; return this; }
    FaultBuilder chunk(int v) { chunk = v; return this; }
    FaultBuilder close(Fault.Close v) { close = v; return this; }
    FaultBuilder reuse(Fault.Reuse v) { reuse = v; return this; }
    FaultBuilder after(Fault.After v) { after = v; return this; }
    FaultBuilder advertised(Duration v) { advertised = v; return this; }
    FaultBuilder dynamic(Function<RecordedRequest, Fault> v) { dynamic = v; return this; }
    FaultBuilder probability(double v) { probability = v; return this; }
    FaultBuilder seed(long v) { seed = v; return this; }
    FaultBuilder streamed(long v) { streamed = v; return this; }

    Fault build() {
        return new Fault(this);
    }
}
