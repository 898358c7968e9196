package dev.upstreamguard.spring.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps core's setting names ({@code connectTimeout}, {@code circuitBreaker.slowCallDurationThreshold}) to the
 * properties that set them ({@code upstream-guard.upstreams.backend.connect-timeout}), and rewrites core's
 * messages in those terms.
 */
final class PropertyNames {
    static final String PREFIX = "upstream-guard";
    private static final Pattern CAMEL_WORD = Pattern.compile("\\b[a-z]+(?:[A-Z][a-z0-9]*)+\\b");

    private final String upstreamPrefix;
    private final Map<String, String> known = new LinkedHashMap<>();

    private PropertyNames(String upstreamPrefix) {
        this.upstreamPrefix = upstreamPrefix;
        known.put("requestTimeout", PREFIX + ".request-timeout");
        known.put("frontProxyTimeout", PREFIX + ".front-proxy-timeout");
        known.put("frontProxyMargin", PREFIX + ".front-proxy-margin");
        known.put("deadlineHeader", PREFIX + ".deadline-header.name");
        known.put("correlationHeader", PREFIX + ".correlation.upstream-header");
        if (upstreamPrefix == null) { // the servlet filter's settings
            known.put("correlationHeaders", PREFIX + ".correlation.headers");
            known.put("responseHeader", PREFIX + ".correlation.response-header");
            known.put("mdcKey", PREFIX + ".correlation.mdc-key");
            known.put("templateLocations", PREFIX + ".error-page.template-locations");
            known.put("interceptedStatuses", PREFIX + ".error-page.intercepted-statuses");
            known.put("defaultMediaType", PREFIX + ".error-page.default-media-type");
            known.put("siteName", PREFIX + ".error-page.site-name");
            known.put("proxyName", PREFIX + ".error-page.proxy-name");
            known.put("problemTypeBase", PREFIX + ".error-page.problem-type-base");
        } else {
            known.put("upstreamKeepAlive", upstreamPrefix + ".keep-alive");
            known.put("slowCallDurationThreshold", upstreamPrefix + ".circuit-breaker.slow-call-duration-threshold");
            known.put("slidingWindowSize", upstreamPrefix + ".circuit-breaker.sliding-window-size");
        }
    }

    /** Names for the upstream called {@code name}. */
    static PropertyNames forUpstream(String name) {
        return new PropertyNames(upstreamPrefix(name));
    }

    /** Names outside any upstream. */
    static PropertyNames global() {
        return new PropertyNames(null);
    }

    /** {@code upstream-guard.upstreams.<name>}, with brackets when the name holds a dot. */
    static String upstreamPrefix(String name) {
        return PREFIX + ".upstreams" + (name.indexOf('.') >= 0 ? "[" + name + "]" : "." + name);
    }

    /** The property of {@code setting}: {@code circuitBreaker.slidingWindowSize} -> {@code ...circuit-breaker.sliding-window-size}. */
    String property(String setting) {
        String property = known.get(setting);
        if (property != null) {
            return property;
        }
        StringBuilder sb = new StringBuilder(upstreamPrefix == null ? PREFIX : upstreamPrefix);
        for (String segment : setting.split("\\.")) {
            sb.append('.').append(kebab(segment));
        }
        return sb.toString();
    }

    /** {@code text} with every core setting name it mentions replaced by its property. */
    String translate(String text) {
        Matcher m = CAMEL_WORD.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String word = m.group();
            boolean knownSetting = known.containsKey(word) || upstreamPrefix != null && isUpstreamSetting(word);
            m.appendReplacement(sb, Matcher.quoteReplacement(knownSetting ? property(word) : word));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static boolean isUpstreamSetting(String word) {
        return switch (word) {
            case "connectTimeout", "attemptTimeout", "poolLeaseTimeout", "idleTimeout", "keepAliveMargin",
                    "minAttemptTime", "maxRetryAfter", "maxConcurrentCalls" -> true;
            default -> false;
        };
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
