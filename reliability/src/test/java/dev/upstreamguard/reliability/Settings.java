package dev.upstreamguard.reliability;

import java.time.Duration;

/** Run sizes from system properties (set by the build's surefire configuration); defaults are the CI sizes. */
final class Settings {
    private Settings() {
    }

    static Duration duration(String name, Duration defaultValue) {
        String value = System.getProperty(name);
        return value == null || value.isBlank() ? defaultValue : Duration.parse(value.trim());
    }

    static int integer(String name, int defaultValue) {
        String value = System.getProperty(name);
        return value == null || value.isBlank() ? defaultValue : Integer.parseInt(value.trim());
    }

    static long number(String name, long defaultValue) {
        String value = System.getProperty(name);
        return value == null || value.isBlank() ? defaultValue : Long.parseLong(value.trim());
    }
}
