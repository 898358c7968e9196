package dev.upstreamguard.doctor.chain;

import dev.upstreamguard.doctor.Hop;
import dev.upstreamguard.doctor.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * nginx as a hop, read from {@code nginx -T} output (or one configuration file): for every {@code location} with a
 * {@code proxy_pass}, the effective {@code proxy_connect_timeout}, {@code proxy_read_timeout},
 * {@code proxy_send_timeout}, {@code proxy_http_version}, {@code proxy_next_upstream*} and
 * {@code proxy_set_header Connection} (inherited from server and http as nginx inherits them), the server's
 * {@code keepalive_timeout}, and the upstream block's {@code keepalive} and {@code keepalive_timeout}.
 *
 * <p>With several proxied locations the hop takes the most demanding value of each: the shortest read timeout,
 * the longest connect timeout, the longest upstream idle reuse, the shortest client keep-alive; each value names
 * the file, line and location it came from. {@code include}d files appear in {@code nginx -T} output and are read
 * from there (a relative pattern against the main file's folder); a single file given alone is read without its
 * includes. Without a {@code keepalive} directive in the
 * upstream block nginx 1.22 does not reuse upstream connections (newer nginx may: declare it to be checked).
 */
public final class NginxConfig {
    static final Duration PROXY_DEFAULT = Duration.ofSeconds(60);
    static final Duration CLIENT_KEEPALIVE_DEFAULT = Duration.ofSeconds(75);
    static final Duration UPSTREAM_KEEPALIVE_DEFAULT = Duration.ofSeconds(60);

    private NginxConfig() {
    }

    /**
     * The nginx hop described by {@code text}; {@code source} names the input in messages.
     *
     * @throws ChainInputException naming file and line when the text is not nginx configuration or proxies nothing
     */
    public static ChainHop read(String text, String source) {
        StringBuilder cleaned = new StringBuilder(text.length());
        for (String line : text.split("\n", -1)) {
            // nginx -T 2>&1 also prints "nginx: the configuration file ... syntax is ok": not configuration.
            cleaned.append(line.startsWith("nginx: ") ? "" : line).append('\n');
        }
        List<ConfDirective> top = withIncludes(cleaned.toString(), source);
        ConfDirective http = null;
        for (ConfDirective d : top) {
            if (d.name().equals("http") && d.block() != null) {
                http = d;
            }
        }
        if (http == null) {
            throw new ChainInputException(source + ":1", "no 'http { ... }' block found (pass the output of "
                    + "'nginx -T', which includes every file)");
        }
        Map<String, ConfDirective> upstreams = new LinkedHashMap<>();
        for (ConfDirective u : http.all("upstream")) {
            upstreams.put(u.arg(0), u);
        }
        List<Location> proxied = new ArrayList<>();
        for (ConfDirective server : http.all("server")) {
            collect(server, List.of(http, server), server, proxied);
        }
        if (proxied.isEmpty()) {
            throw new ChainInputException(http.where(), "no location with proxy_pass: nginx proxies nothing here");
        }
        Setting read = null;
        Setting connect = null;
        Setting keepAlive = null;
        Setting poolIdle = null;
        List<Finding> remarks = new ArrayList<>();
        for (Location loc : proxied) {
            Setting r = effective(loc, "proxy_read_timeout", PROXY_DEFAULT);
            Setting c = effective(loc, "proxy_connect_timeout", PROXY_DEFAULT);
            Setting k = keepalive(loc);
            Setting p = reuse(loc, upstreams, remarks);
            read = read == null || r.value().compareTo(read.value()) < 0 ? r : read;
            connect = connect == null || c.value().compareTo(connect.value()) > 0 ? c : connect;
            keepAlive = keepAlive == null || k.value().compareTo(keepAlive.value()) < 0 ? k : keepAlive;
            poolIdle = poolIdle == null || p.value().compareTo(poolIdle.value()) > 0 ? p : poolIdle;
            nonIdempotentRetry(loc, remarks);
        }
        return new ChainHop("nginx", Hop.REVERSE_PROXY, keepAlive, poolIdle, connect, read, null, remarks);
    }

    /**
     * The main file's directives with each {@code include} replaced by the directives of the files it names, as
     * {@code nginx -T} lists them after the main file ({@code # configuration file PATH:} sections). A relative
     * pattern is resolved against the main file's folder; an include that matches no listed file is dropped.
     */
    static List<ConfDirective> withIncludes(String text, String source) {
        Map<String, String> files = new LinkedHashMap<>();
        String marker = "# configuration file ";
        String name = source;
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (line.startsWith(marker) && line.endsWith(":")) {
                if (!current.toString().isBlank() || !files.isEmpty() || !name.equals(source)) {
                    files.put(name, current.toString());
                }
                name = line.substring(marker.length(), line.length() - 1).strip();
                current.setLength(0);
            } else {
                current.append(line).append('\n');
            }
        }
        files.put(name, current.toString());
        files.entrySet().removeIf(e -> e.getValue().isBlank() && files.size() > 1);
        Map<String, List<ConfDirective>> parsed = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : files.entrySet()) {
            parsed.put(e.getKey(), ConfDirective.parseNginx(e.getValue(), e.getKey()));
        }
        String main = parsed.keySet().iterator().next();
        int slash = main.lastIndexOf('/');
        String folder = slash < 0 ? "" : main.substring(0, slash + 1);
        return expand(parsed.get(main), parsed, folder, 0);
    }

    private static List<ConfDirective> expand(List<ConfDirective> block, Map<String, List<ConfDirective>> files,
            String folder, int depth) {
        if (depth > 10) {
            throw new ChainInputException(block.isEmpty() ? "nginx" : block.get(0).where(),
                    "includes nested more than 10 deep");
        }
        List<ConfDirective> out = new ArrayList<>();
        for (ConfDirective d : block) {
            if (d.name().equals("include") && d.block() == null) {
                String pattern = d.arg(0).startsWith("/") ? d.arg(0) : folder + d.arg(0);
                java.util.regex.Pattern glob = java.util.regex.Pattern.compile(globToRegex(pattern));
                for (Map.Entry<String, List<ConfDirective>> f : files.entrySet()) {
                    if (glob.matcher(f.getKey()).matches()) {
                        out.addAll(expand(f.getValue(), files, folder, depth + 1));
                    }
                }
            } else if (d.block() != null) {
                out.add(new ConfDirective(d.name(), d.args(), d.file(), d.line(),
                        expand(d.block(), files, folder, depth)));
            } else {
                out.add(d);
            }
        }
        return out;
    }

    private static String globToRegex(String glob) {
        StringBuilder b = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> b.append("[^/]*");
                case '?' -> b.append("[^/]");
                default -> b.append(java.util.regex.Pattern.quote(String.valueOf(c)));
            }
        }
        return b.toString();
    }

    /** A location with proxy_pass and the blocks around it, outermost first. */
    private record Location(String name, List<ConfDirective> scopes, ConfDirective proxyPass) {
        ConfDirective nearest(String directive) {
            for (int i = scopes.size() - 1; i >= 0; i--) {
                ConfDirective d = scopes.get(i).last(directive);
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
    }

    private static void collect(ConfDirective block, List<ConfDirective> scopes, ConfDirective server,
            List<Location> out) {
        for (ConfDirective loc : block.all("location")) {
            List<ConfDirective> inner = new ArrayList<>(scopes);
            inner.add(loc);
            ConfDirective pass = loc.last("proxy_pass");
            if (pass != null) {
                out.add(new Location("location " + String.join(" ", loc.args()), List.copyOf(inner), pass));
            }
            collect(loc, inner, server, out);
        }
    }

    private static Setting effective(Location loc, String directive, Duration byDefault) {
        ConfDirective d = loc.nearest(directive);
        if (d == null) {
            return new Setting(byDefault, directive, "default");
        }
        return new Setting(duration(d), directive, d.where() + ", " + loc.name());
    }

    private static Setting keepalive(Location loc) {
        // keepalive_timeout of the server (or http) block: how long nginx keeps an idle client connection.
        for (int i = loc.scopes().size() - 1; i >= 0; i--) {
            ConfDirective scope = loc.scopes().get(i);
            ConfDirective d = scope.name().equals("location") ? null : scope.last("keepalive_timeout");
            if (d != null) {
                return new Setting(duration(d), "keepalive_timeout", d.where());
            }
        }
        return new Setting(CLIENT_KEEPALIVE_DEFAULT, "keepalive_timeout", "default");
    }

    /** How long nginx keeps an idle connection to the upstream for reuse: 0 when it does not reuse them. */
    private static Setting reuse(Location loc, Map<String, ConfDirective> upstreams, List<Finding> remarks) {
        String target = loc.proxyPass().arg(0).replaceFirst("^https?://", "");
        String host = target.split("[/:]", 2)[0];
        ConfDirective upstream = upstreams.get(host);
        ConfDirective keepalive = upstream == null ? null : upstream.last("keepalive");
        if (keepalive == null) {
            String why = upstream == null ? "proxy_pass names no upstream block" : "upstream " + host
                    + " has no keepalive directive";
            return new Setting(Duration.ZERO, "upstream keepalive", why + " (" + loc.proxyPass().where() + ")");
        }
        ConfDirective version = loc.nearest("proxy_http_version");
        boolean http11 = version != null && version.arg(0).equals("1.1");
        boolean closes = closesConnection(loc);
        if (!http11 || closes) {
            remarks.add(new Finding("upstream-reuse", Verdict.DEGRADED, "nginx", null,
                    "keepalive " + keepalive.arg(0) + " (" + keepalive.where() + "), proxy_http_version "
                            + (version == null ? "1.0 (default)" : version.arg(0)),
                    "upstream " + host + " asks for idle connection reuse, but " + loc.name()
                            + (http11 ? " sends Connection: close" : " speaks HTTP/1.0")
                            + ": every request opens a new connection.",
                    "In " + loc.name() + " add 'proxy_http_version 1.1;' and 'proxy_set_header Connection \"\";'."));
            return new Setting(Duration.ZERO, "upstream keepalive", "not reused: " + loc.name());
        }
        ConfDirective timeout = upstream.last("keepalive_timeout");
        return timeout == null
                ? new Setting(UPSTREAM_KEEPALIVE_DEFAULT, "keepalive_timeout (upstream " + host + ")", "default")
                : new Setting(duration(timeout), "keepalive_timeout (upstream " + host + ")", timeout.where());
    }

    private static boolean closesConnection(Location loc) {
        for (int i = loc.scopes().size() - 1; i >= 0; i--) {
            List<ConfDirective> headers = loc.scopes().get(i).all("proxy_set_header");
            if (!headers.isEmpty()) {
                for (ConfDirective h : headers) {
                    if (h.arg(0).equalsIgnoreCase("Connection")) {
                        return h.arg(1).equalsIgnoreCase("close");
                    }
                }
                return true; // this level replaces inherited headers; nginx's default is Connection: close
            }
        }
        return true;
    }

    private static void nonIdempotentRetry(Location loc, List<Finding> remarks) {
        ConfDirective next = loc.nearest("proxy_next_upstream");
        if (next != null && next.args().contains("non_idempotent") && !next.args().contains("off")) {
            remarks.add(new Finding("non-idempotent-retry", Verdict.DEGRADED, "nginx", null,
                    "proxy_next_upstream " + String.join(" ", next.args()) + " (" + next.where() + ")",
                    loc.name() + " passes POST, PATCH and LOCK requests that failed on one server to the next: a "
                            + "payment or an order can run twice.",
                    "Remove non_idempotent from proxy_next_upstream (or make those endpoints idempotent with an "
                            + "Idempotency-Key)."));
        }
    }

    private static Duration duration(ConfDirective d) {
        try {
            return Durations.parse(d.arg(0), "s");
        } catch (IllegalArgumentException e) {
            throw new ChainInputException(d.where(), d.name() + ": " + e.getMessage());
        }
    }
}
