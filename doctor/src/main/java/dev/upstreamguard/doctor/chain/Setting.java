package dev.upstreamguard.doctor.chain;

import java.time.Duration;
import java.util.Objects;

/**
 * One timeout of a hop: its value, the knob that sets it (named as the hop's own configuration names it) and where
 * the value came from.
 *
 * @param value  the duration; {@link Duration#ZERO} means "not kept" (for example no idle connection reuse)
 * @param knob   the setting to change, such as {@code proxy_read_timeout} or {@code server.tomcat.keep-alive-timeout}
 * @param origin where the value came from: {@code nginx.conf:12}, {@code default}, {@code --alb-idle}
 */
public record Setting(Duration value, String knob, String origin) {
    /** Checks the fields. */
    public Setting {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(knob, "knob");
        Objects.requireNonNull(origin, "origin");
        if (value.isNegative()) {
            throw new IllegalArgumentException(knob + " must not be negative, but was " + value);
        }
    }

    /** A setting with its value from a documented default. */
    public static Setting byDefault(Duration value, String knob) {
        return new Setting(value, knob, "default");
    }

    /** {@code knob = 60s (origin)}, for messages. */
    public String describe() {
        return knob + " = " + Durations.format(value) + " (" + origin + ")";
    }
}
