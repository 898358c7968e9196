package dev.upstreamguard.core.testing;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** The current fault and, for a sequence, how many of its steps were used. */
final class FaultScript {
    private final List<Fault> steps;
    private final AtomicInteger used = new AtomicInteger();

    FaultScript(Fault fault) {
        this.steps = fault.kind == Fault.Kind.SEQUENCE ? fault.steps : List.of(fault);
    }

    /** The fault for the request just read; moves a sequence on (its last step repeats). */
    Fault next() {
        return steps.get(Math.min(used.getAndIncrement(), steps.size() - 1));
    }

    /** Uses the current step if it is {@link Fault#acceptThenClose()}; tells whether it did. */
    boolean takeAcceptThenClose() {
        while (true) {
            int i = used.get();
            if (steps.get(Math.min(i, steps.size() - 1)).kind != Fault.Kind.ACCEPT_THEN_CLOSE) {
                return false;
            }
            if (i >= steps.size() - 1 || used.compareAndSet(i, i + 1)) {
                return true; // the last step repeats without moving on
            }
        }
    }
}
