package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.spring.autoconfigure.UpstreamGuardConfigurationException.Problem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.util.unit.DataSize;

/** Collects configuration problems while properties are applied to builders, so that all are reported at once. */
final class Problems {
    private final List<Problem> problems = new ArrayList<>();
    private final PropertyNames names;

    Problems(PropertyNames names) {
        this.names = names;
    }

    /**
     * Applies {@code value} (when not null) to a builder {@code setter}; a rejected value becomes a problem of
     * {@code property}.
     */
    <T> void apply(String property, T value, Consumer<T> setter) {
        if (value == null) {
            return;
        }
        try {
            setter.accept(value);
        } catch (IllegalArgumentException | IllegalStateException | NullPointerException e) {
            rejected(property, value, e);
        }
    }

    /** Records that {@code property}'s {@code value} was rejected with {@code e}. */
    void rejected(String property, Object value, RuntimeException e) {
        String reason = names.translate(String.valueOf(e.getMessage()));
        int but = reason.lastIndexOf(", but");
        String rule = but > 0 ? reason.substring(0, but) : reason;
        problems.add(new Problem(property, format(value), reason,
                "change the value so that it meets the rule: " + rule));
    }

    void add(Problem problem) {
        problems.add(problem);
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    List<Problem> list() {
        return List.copyOf(problems);
    }

    /** Throws when any problem was recorded. */
    void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new UpstreamGuardConfigurationException(problems);
        }
    }

    /** A value as a user would write it: {@code 1500ms}, {@code 90s}, {@code 16MB}, {@code a,b}. */
    static String format(Object value) {
        if (value instanceof Duration d) {
            return format(d);
        }
        if (value instanceof DataSize s) {
            long b = s.toBytes();
            return b % (1024 * 1024) == 0 && b > 0 ? b / (1024 * 1024) + "MB"
                    : b % 1024 == 0 && b > 0 ? b / 1024 + "KB" : b + "B";
        }
        if (value instanceof Collection<?> c) {
            return String.join(",", c.stream().map(String::valueOf).toList());
        }
        if (value instanceof int[] a) {
            return String.join(",", java.util.Arrays.stream(a).mapToObj(String::valueOf).toList());
        }
        return String.valueOf(value);
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 != 0 || ms == 0 ? ms + "ms" : ms / 1000 + "s";
    }
}
