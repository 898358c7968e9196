package dev.upstreamguard.doctor.chain;

import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.core.retry.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The application's side of the chain, read from a Spring Boot {@code application.properties} or
 * {@code application.yaml}: the embedded server's effective keep-alive (Tomcat: {@code
 * server.tomcat.keep-alive-timeout}, else {@code server.tomcat.connection-timeout}, else 60 s; Jetty: {@code
 * server.jetty.connection-idle-timeout}, else 30 s, as the starter computes it), {@code upstream-guard.request-timeout}
 * (30 s by default), the declared front proxy ({@code upstream-guard.front-proxy-timeout}, {@code
 * front-proxy-idle-timeout}), and each {@code upstream-guard.upstreams.<name>.*} over {@code upstream-defaults}.
 * See the YAML subset read in the docs (docs/timeout-chain.md); a bad file gives one {@link ChainInputException}
 * naming the file and line.
 */
public final class SpringConfig {
    static final Duration TOMCAT_DEFAULT = Duration.ofSeconds(60);
    static final Duration JETTY_DEFAULT = Duration.ofSeconds(30);
    static final Duration REQUEST_TIMEOUT_DEFAULT = Duration.ofSeconds(30);
    private static final String UG = "upstream-guard.";

    private final String file;
    private final Map<String, SpringProperties.Value> values;
    private final String server;

    private SpringConfig(String file, Map<String, SpringProperties.Value> values, String server) {
        this.file = file;
        this.values = values;
        this.server = server;
    }

    /**
     * Reads {@code text}; {@code file} names it (its extension chooses YAML or properties); {@code server} is
     * {@code tomcat}, {@code jetty}, or {@code null} to infer it (Jetty when only Jetty's keys are set, else Tomcat).
     */
    public static SpringConfig read(String text, String file, String server) {
        Map<String, SpringProperties.Value> values = SpringProperties.read(text, file);
        String s = server == null ? null : server.toLowerCase(Locale.ROOT);
        if (s == null) {
            boolean jetty = values.keySet().stream().anyMatch(k -> k.startsWith("server.jetty."));
            boolean tomcat = values.keySet().stream().anyMatch(k -> k.startsWith("server.tomcat."));
            s = jetty && !tomcat ? "jetty" : "tomcat";
        }
        if (!s.equals("tomcat") && !s.equals("jetty")) {
            throw new IllegalArgumentException("server must be tomcat or jetty, but was " + server);
        }
        return new SpringConfig(file, values, s);
    }

    /** The application server hop: its effective keep-alive and the request deadline. */
    public ChainHop appServer() {
        Setting keepAlive;
        if (server.equals("jetty")) {
            keepAlive = setting("server.jetty.connection-idle-timeout", "server.jetty.connection-idle-timeout",
                    JETTY_DEFAULT, "Jetty's default");
        } else {
            String k = "server.tomcat.keep-alive-timeout";
            keepAlive = values.containsKey(k) ? setting(k, k, TOMCAT_DEFAULT, null)
                    : setting("server.tomcat.connection-timeout", k, TOMCAT_DEFAULT, "Tomcat's default");
        }
        Setting deadline = setting(UG + "request-timeout", UG + "request-timeout", REQUEST_TIMEOUT_DEFAULT,
                "the starter's default");
        return ChainHop.appServer(server.equals("jetty") ? "Jetty" : "Tomcat", keepAlive, deadline);
    }

    /** The front proxy the application declares ({@code upstream-guard.front-proxy-timeout}), or {@code null}. */
    public ChainHop declaredFrontProxy() {
        Setting timeout = optional(UG + "front-proxy-timeout");
        Setting idle = optional(UG + "front-proxy-idle-timeout");
        if (timeout == null && idle == null) {
            return null;
        }
        return new ChainHop("Front proxy (declared)", dev.upstreamguard.doctor.Hop.REVERSE_PROXY, null, idle,
                null, timeout, null, List.of());
    }

    /** The margin declared by {@code upstream-guard.front-proxy-margin}, or {@code null}. */
    public Duration declaredMargin() {
        Setting m = optional(UG + "front-proxy-margin");
        return m == null ? null : m.value();
    }

    /** Each upstream under {@code upstream-guard.upstreams.<name>}, in file order. */
    public List<ClientPool> pools() {
        Set<String> names = new LinkedHashSet<>();
        String prefix = UG + "upstreams.";
        for (String key : values.keySet()) {
            if (key.startsWith(prefix)) {
                int dot = key.indexOf('.', prefix.length());
                if (dot > prefix.length()) {
                    names.add(key.substring(prefix.length(), dot));
                }
            }
        }
        List<ClientPool> out = new ArrayList<>();
        for (String name : names) {
            out.add(pool(name));
        }
        return out;
    }

    private ClientPool pool(String name) {
        String own = UG + "upstreams." + name + ".";
        Setting connect = upstream(own, "connect-timeout", UpstreamPolicy.DEFAULT_CONNECT_TIMEOUT);
        Setting attempt = upstream(own, "attempt-timeout", UpstreamPolicy.DEFAULT_ATTEMPT_TIMEOUT);
        Setting lease = upstream(own, "pool-lease-timeout", UpstreamPolicy.DEFAULT_POOL_LEASE_TIMEOUT);
        Setting idle = upstream(own, "idle-timeout", UpstreamPolicy.DEFAULT_IDLE_TIMEOUT);
        Setting keepAlive = upstreamOptional(own, "keep-alive");
        int attempts = (int) number(own, "retry.max-attempts", RetryPolicy.DEFAULT_MAX_ATTEMPTS);
        if (attempts < 1 || attempts > 10) {
            SpringProperties.Value v = lookup(own, "retry.max-attempts");
            throw new ChainInputException(file + ":" + (v == null ? 1 : v.line()),
                    "retry.max-attempts must be 1..10, but was " + attempts);
        }
        Duration initial = upstream(own, "retry.initial-backoff", RetryPolicy.DEFAULT_INITIAL_BACKOFF).value();
        Duration max = upstream(own, "retry.max-backoff", RetryPolicy.DEFAULT_MAX_BACKOFF).value();
        double multiplier = number(own, "retry.multiplier", RetryPolicy.DEFAULT_MULTIPLIER);
        return new ClientPool(name, connect, attempt, attempts,
                ClientPool.totalBackoff(attempts, initial, max, multiplier), lease, idle, keepAlive);
    }

    private SpringProperties.Value lookup(String own, String property) {
        SpringProperties.Value v = values.get(own + property);
        return v != null ? v : values.get(UG + "upstream-defaults." + property);
    }

    private Setting upstream(String own, String property, Duration byDefault) {
        Setting s = upstreamOptional(own, property);
        return s != null ? s : Setting.byDefault(byDefault, own + property);
    }

    private Setting upstreamOptional(String own, String property) {
        SpringProperties.Value v = values.get(own + property);
        String key = own + property;
        if (v == null) {
            v = values.get(UG + "upstream-defaults." + property);
            key = UG + "upstream-defaults." + property;
        }
        return v == null ? null : new Setting(duration(key, v), own + property, file + ":" + v.line());
    }

    private double number(String own, String property, double byDefault) {
        SpringProperties.Value v = lookup(own, property);
        if (v == null) {
            return byDefault;
        }
        try {
            return Double.parseDouble(v.text());
        } catch (NumberFormatException e) {
            throw new ChainInputException(file + ":" + v.line(), property + ": '"
                    + SpringProperties.shorten(v.text()) + "' is not a number");
        }
    }

    private Setting setting(String key, String knob, Duration byDefault, String defaultOrigin) {
        SpringProperties.Value v = values.get(key);
        if (v == null) {
            return new Setting(byDefault, knob, defaultOrigin);
        }
        return new Setting(duration(key, v), knob, file + ":" + v.line()
                + (key.equals(knob) ? "" : ", from " + key));
    }

    private Setting optional(String key) {
        SpringProperties.Value v = values.get(key);
        return v == null ? null : new Setting(duration(key, v), key, file + ":" + v.line());
    }

    private Duration duration(String key, SpringProperties.Value v) {
        try {
            Duration d = Durations.parse(v.text(), "ms");
            if (d.isNegative()) {
                throw new IllegalArgumentException("negative");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new ChainInputException(file + ":" + v.line(), key + ": '" + SpringProperties.shorten(v.text())
                    + "' is not a duration (write 30s, 500ms or PT30S)");
        }
    }
}
