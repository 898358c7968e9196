package dev.upstreamguard.doctor.internal.cli;

import java.time.Duration;

/** Command-line durations: {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1.5s}. */
final class Durations {
    private Durations() {
    }

    /** The duration, or {@code null} when {@code text} is not one. */
    static Duration parse(String text) {
        if (text == null || !text.matches("\\d{1,6}(\\.\\d{1,3})?(ms|s|m)")) {
            return null;
        }
        String unit = text.endsWith("ms") ? "ms" : text.substring(text.length() - 1);
        double n = Double.parseDouble(text.substring(0, text.length() - unit.length()));
        long millis = Math.round(n * switch (unit) {
            case "ms" -> 1;
            case "s" -> 1000;
            default -> 60_000;
        });
        return Duration.ofMillis(millis);
    }
}
