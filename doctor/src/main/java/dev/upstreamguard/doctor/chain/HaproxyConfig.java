package dev.upstreamguard.doctor.chain;

import dev.upstreamguard.doctor.Hop;
import dev.upstreamguard.doctor.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * HAProxy as a hop, read from its configuration file: the first {@code frontend} (or {@code listen}) and the backend
 * it sends to ({@code default_backend}, else the first {@code backend}), each with the values of the
 * {@code defaults} section before it when it sets none: {@code timeout connect|client|server|http-keep-alive|
 * http-request}, {@code retry-on}, {@code http-reuse}, {@code option http-server-close|httpclose}, and the global
 * {@code pool-purge-delay}. Bare numbers are milliseconds, as in HAProxy. Not read: named defaults
 * ({@code from}), {@code use_backend} rules, conditional blocks ({@code .if}), environment variables.
 */
public final class HaproxyConfig {
    private static final Set<String> SECTIONS = Set.of("global", "defaults", "frontend", "backend", "listen",
            "peers", "resolvers", "userlist", "program", "http-errors", "ring", "cache", "mailers");
    static final Duration POOL_PURGE_DELAY_DEFAULT = Duration.ofSeconds(5);

    private HaproxyConfig() {
    }

    /** A section and its lines (keyword plus arguments), with the defaults in force where it starts. */
    private record Section(String kind, String name, int line, Map<String, Line> values, Section defaults) {
        Line get(String key) {
            Line own = values.get(key);
            return own != null || defaults == null ? own : defaults.values.get(key);
        }
    }

    private record Line(String key, List<String> args, int line) {
    }

    /**
     * The HAProxy hop described by {@code text}; {@code source} names the file in messages.
     *
     * @throws ChainInputException naming file and line when the text has no frontend or listen section, or a bad
     *                             timeout
     */
    public static ChainHop read(String text, String source) {
        List<Section> sections = new ArrayList<>();
        Section current = null;
        Section defaults = null;
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            List<String> words = words(lines[n]);
            if (words.isEmpty()) {
                continue;
            }
            String first = words.get(0);
            if (SECTIONS.contains(first)) {
                current = new Section(first, words.size() > 1 ? words.get(1) : "", n + 1, new LinkedHashMap<>(),
                        first.equals("defaults") || first.equals("global") ? null : defaults);
                if (first.equals("defaults")) {
                    defaults = current;
                }
                sections.add(current);
                continue;
            }
            if (current == null) {
                throw new ChainInputException(source + ":" + (n + 1), "'" + first + "' outside any section");
            }
            String key = first;
            List<String> args = words.subList(1, words.size());
            if ((first.equals("timeout") || first.equals("option")) && words.size() > 1) {
                key = first + " " + words.get(1);
                args = words.subList(2, words.size());
            } else if (first.equals("no") && words.size() > 2) {
                key = "no " + words.get(1) + " " + words.get(2);
            }
            current.values.put(key, new Line(key, List.copyOf(args), n + 1));
        }
        Section front = sections.stream().filter(s -> s.kind.equals("frontend") || s.kind.equals("listen"))
                .findFirst().orElseThrow(() -> new ChainInputException(source + ":1",
                        "no 'frontend' or 'listen' section: not an HAProxy configuration for HTTP"));
        Section back = front;
        if (front.kind.equals("frontend")) {
            Line def = front.get("default_backend");
            String name = def == null || def.args.isEmpty() ? null : def.args.get(0);
            back = sections.stream().filter(s -> s.kind.equals("backend")
                    && (name == null || s.name.equals(name))).findFirst()
                    .orElseThrow(() -> new ChainInputException(source + ":" + front.line, "frontend " + front.name
                            + " sends to no backend found in the file"));
        }
        Section global = sections.stream().filter(s -> s.kind.equals("global")).findFirst().orElse(null);
        List<Finding> remarks = new ArrayList<>();
        Setting keepAlive = firstOf(source, front, "timeout http-keep-alive", "timeout http-request",
                "timeout client");
        Setting connect = timeout(source, back, "timeout connect");
        Setting server = timeout(source, back, "timeout server");
        for (String missing : new String[] {"timeout connect", "timeout server"}) {
            if (back.get(missing) == null) {
                remarks.add(new Finding("client-defaults", Verdict.DEGRADED, "HAProxy", null, missing + " not set",
                        "Without " + missing + " HAProxy waits without limit (it warns about it at start).",
                        "Set " + missing + " in the defaults or backend " + back.name + " (e.g. "
                                + (missing.equals("timeout connect") ? "3s" : "a little above the application's "
                                + "request deadline") + ")."));
            }
        }
        Setting poolIdle = reuse(source, back, global);
        retryOn(source, back, remarks);
        return new ChainHop("HAProxy", Hop.REVERSE_PROXY, keepAlive, poolIdle, connect, server, null, remarks);
    }

    private static Setting reuse(String source, Section back, Section global) {
        Line reuse = back.get("http-reuse");
        if (reuse != null && reuse.args.contains("never")) {
            return new Setting(Duration.ZERO, "http-reuse", source + ":" + reuse.line);
        }
        for (String close : new String[] {"option http-server-close", "option httpclose"}) {
            Line l = back.get(close);
            if (l != null) {
                return new Setting(Duration.ZERO, close, source + ":" + l.line);
            }
        }
        Line purge = global == null ? null : global.values.get("pool-purge-delay");
        return purge == null
                ? new Setting(POOL_PURGE_DELAY_DEFAULT, "pool-purge-delay (idle server connections)", "default")
                : new Setting(parse(source, purge), "pool-purge-delay (idle server connections)",
                        source + ":" + purge.line);
    }

    private static void retryOn(String source, Section back, List<Finding> remarks) {
        Line retry = back.get("retry-on");
        if (retry == null) {
            return;
        }
        List<String> risky = retry.args.stream().filter(a -> !a.equals("none") && !a.equals("conn-failure")
                && !a.equals("0rtt-rejected")).toList();
        if (!risky.isEmpty()) {
            remarks.add(new Finding("non-idempotent-retry", Verdict.DEGRADED, "HAProxy", null,
                    "retry-on " + String.join(" ", retry.args) + " (" + source + ":" + retry.line + ")",
                    "HAProxy replays requests that may have reached the server (" + String.join(" ", risky)
                            + "), POST included: a payment or an order can run twice.",
                    "Keep retry-on to conn-failure (the default), or disable these retries for non-idempotent "
                            + "requests (http-request disable-l7-retry if !METH_GET)."));
        }
    }

    private static Setting firstOf(String source, Section s, String... keys) {
        for (String key : keys) {
            Setting t = timeout(source, s, key);
            if (t != null) {
                return t;
            }
        }
        return null;
    }

    private static Setting timeout(String source, Section s, String key) {
        Line l = s.get(key);
        return l == null ? null : new Setting(parse(source, l), key, source + ":" + l.line);
    }

    private static Duration parse(String source, Line l) {
        if (l.args.isEmpty()) {
            throw new ChainInputException(source + ":" + l.line, l.key + " has no value");
        }
        try {
            return Durations.parse(l.args.get(0), "ms");
        } catch (IllegalArgumentException e) {
            throw new ChainInputException(source + ":" + l.line, l.key + ": " + e.getMessage());
        }
    }

    private static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    b.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '\\' && i + 1 < line.length()) {
                b.append(line.charAt(++i));
            } else if (c == '#') {
                break;
            } else if (Character.isWhitespace(c)) {
                if (b.length() > 0) {
                    out.add(b.toString());
                    b.setLength(0);
                }
            } else {
                b.append(c);
            }
        }
        if (b.length() > 0) {
            out.add(b.toString());
        }
        return out;
    }
}
