package dev.upstreamguard.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/** The fault for each request (or new connection), moving a script on: a sequence, a cycle or a seeded draw. */
final class FaultScript {
    private final Fault fault;
    private final List<Fault> steps;
    private final AtomicInteger used = new AtomicInteger();
    private final Random random; // guarded by itself

    FaultScript(Fault fault) {
        this.fault = fault;
        this.steps = switch (fault.kind) {
            case SEQUENCE, CYCLE, RANDOM -> fault.steps;
            default -> List.of(fault);
        };
        this.random = fault.kind == Fault.Kind.RANDOM ? new Random(fault.seed) : null;
    }

    /** The fault for the request just read; moves the script on. */
    Fault next() {
        if (random != null) {
            synchronized (random) {
                return random.nextDouble() < fault.probability ? steps.get(0) : steps.get(1);
            }
        }
        int i = used.getAndIncrement();
        return fault.kind == Fault.Kind.CYCLE ? steps.get(i % steps.size()) : steps.get(Math.min(i, steps.size() - 1));
    }

    /** Uses the current step if it is a connection fault (sequences and cycles only); returns it, or null. */
    Fault takeConnectionFault() {
        if (random != null) {
            return null;
        }
        while (true) {
            int i = used.get();
            Fault step = fault.kind == Fault.Kind.CYCLE ? steps.get(i % steps.size())
                    : steps.get(Math.min(i, steps.size() - 1));
            if (!step.kind.onConnection()) {
                return null;
            }
            if ((fault.kind != Fault.Kind.CYCLE && i >= steps.size() - 1) || used.compareAndSet(i, i + 1)) {
                return step; // the last step of a sequence repeats without moving on
            }
        }
    }

    /**
     * The steps of a sequence or cycle of {@code faults}: nested sequences flattened; cycles and random draws, which
     * do not nest, rejected.
     */
    static List<Fault> flatten(Fault... faults) {
        if (faults.length == 0) {
            throw new IllegalArgumentException("a script needs at least one fault, but none was given");
        }
        List<Fault> steps = new ArrayList<>();
        for (Fault f : faults) {
            if (Objects.requireNonNull(f, "fault").kind == Fault.Kind.SEQUENCE) {
                steps.addAll(f.steps);
            } else {
                steps.add(plain(f));
            }
        }
        return List.copyOf(steps);
    }

    /** {@code f}, which must not be a cycle or a random draw (scripts do not nest). */
    static Fault plain(Fault f) {
        Fault.Kind k = Objects.requireNonNull(f, "fault").kind;
        if (k == Fault.Kind.CYCLE || k == Fault.Kind.RANDOM) {
            throw new IllegalArgumentException("scripts do not nest, but a step was " + f);
        }
        return f;
    }
}
