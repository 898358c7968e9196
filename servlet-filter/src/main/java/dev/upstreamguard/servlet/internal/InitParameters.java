package dev.upstreamguard.servlet.internal;

import dev.upstreamguard.servlet.UpstreamGuardConfig;
import dev.upstreamguard.servlet.spi.ErrorRenderer;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Reads the filter's {@code web.xml} init-params into a configuration. Names are the builder's options in
 * kebab-case; a bad value fails start-up naming the parameter.
 */
public final class InitParameters {
    /** Every init-param the filter reads. */
    public static final Set<String> NAMES = Set.of("correlation-headers", "accept-traceparent", "response-header",
            "mdc-key", "request-timeout", "deadline-header", "trust-deadline-header", "intercept-send-error",
            "intercepted-statuses", "template-locations", "renderers", "default-media-type", "show-upstream-name",
            "show-details", "show-owner-guidance", "site-name", "proxy-status", "proxy-name", "problem-type-base");

    private InitParameters() {
    }

    /**
     * The configuration from {@code params} (absent names keep their defaults).
     *
     * @param params init-param lookup, returning {@code null} when absent
     * @param names  the init-param names present, to reject unknown (misspelt) ones
     * @param loader loads {@code renderers} classes
     */
    public static UpstreamGuardConfig parse(Function<String, String> params, Iterable<String> names,
            ClassLoader loader) {
        for (String name : names) {
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("Unknown Upstream Guard filter init-param " + Checks.quote(name)
                        + "; known: " + new java.util.TreeSet<>(NAMES));
            }
        }
        UpstreamGuardConfig.Builder b = UpstreamGuardConfig.builder();
        with(params, "correlation-headers", v -> b.correlationHeaders(list(v)));
        with(params, "accept-traceparent", v -> b.acceptTraceparent(bool(v)));
        with(params, "response-header", b::responseHeader);
        with(params, "mdc-key", b::mdcKey);
        with(params, "request-timeout", v -> b.requestTimeout(duration(v)));
        with(params, "deadline-header", b::deadlineHeader);
        with(params, "trust-deadline-header", v -> b.trustDeadlineHeader(bool(v)));
        with(params, "intercept-send-error", v -> b.interceptSendError(bool(v)));
        with(params, "intercepted-statuses", v -> b.interceptedStatuses(list(v).stream().map(InitParameters::integer)
                .toList()));
        with(params, "template-locations", v -> b.templateLocations(list(v)));
        with(params, "renderers", v -> list(v).forEach(name -> b.renderer(instantiate(name, loader))));
        with(params, "default-media-type", b::defaultMediaType);
        with(params, "show-upstream-name", v -> b.showUpstreamName(bool(v)));
        with(params, "show-details", v -> b.showDetails(bool(v)));
        with(params, "show-owner-guidance", v -> b.showOwnerGuidance(bool(v)));
        with(params, "site-name", b::siteName);
        with(params, "proxy-status", v -> b.proxyStatusEnabled(bool(v)));
        with(params, "proxy-name", b::proxyName);
        with(params, "problem-type-base", v -> b.problemTypeBase(v.isEmpty() ? null : v));
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid Upstream Guard filter init-params: " + e.getMessage(), e);
        }
    }

    private static void with(Function<String, String> params, String name, Consumer<String> setter) {
        String value = params.apply(name);
        if (value == null) {
            return;
        }
        try {
            setter.accept(value.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid Upstream Guard filter init-param " + name + ": "
                    + e.getMessage(), e);
        }
    }

    /** A duration: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, ISO-8601 {@code PT30S}, or milliseconds. */
    static Duration duration(String value) {
        String v = value.trim();
        try {
            if (v.startsWith("P") || v.startsWith("p")) {
                return Duration.parse(v);
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
            }
            char unit = v.isEmpty() ? ' ' : v.charAt(v.length() - 1);
            String amount = v.substring(0, Math.max(0, v.length() - 1)).trim();
            return switch (unit) {
                case 's' -> Duration.ofSeconds(Long.parseLong(amount));
                case 'm' -> Duration.ofMinutes(Long.parseLong(amount));
                case 'h' -> Duration.ofHours(Long.parseLong(amount));
                default -> Duration.ofMillis(Long.parseLong(v));
            };
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("expected a duration such as 500ms, 30s or PT30S, but was "
                    + Checks.quote(value));
        }
    }

    static boolean bool(String value) {
        String v = value.trim();
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("expected true or false, but was " + Checks.quote(value));
    }

    private static int integer(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected numbers, but found " + Checks.quote(value));
        }
    }

    private static List<String> list(String value) {
        List<String> out = new ArrayList<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    private static ErrorRenderer instantiate(String className, ClassLoader loader) {
        try {
            Class<?> type = Class.forName(className, true, loader);
            return (ErrorRenderer) type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
            throw new IllegalArgumentException("cannot create an ErrorRenderer from " + Checks.quote(className)
                    + " (a public class with a public no-argument constructor is needed)", e);
        }
    }
}
