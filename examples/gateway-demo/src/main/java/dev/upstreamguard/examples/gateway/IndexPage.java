package dev.upstreamguard.examples.gateway;

import java.util.Map;

/**
 * The demo's home page: what the demo shows, one card per {@link DemoRoute}, and the live counts. One
 * self-contained HTML document (inline CSS, no scripts, fonts or images), readable on a phone, light and dark.
 */
final class IndexPage {
    private static final String STYLE = """
            :root{color-scheme:light dark;--bg:#f6f7f9;--fg:#1b1d21;--muted:#545a66;--card:#fff;--line:#dde1e7;\
            --accent:#0b57d0;--ok:#146c2e;--ok-bg:#e3f3e6;--bad:#a8201a;--bad-bg:#fce8e6;--warn:#7a4b00;\
            --warn-bg:#fdf0d5;--code:#eef0f4}
            @media (prefers-color-scheme:dark){:root{--bg:#121317;--fg:#e8eaed;--muted:#a9afba;--card:#1c1e23;\
            --line:#30343c;--accent:#8ab4f8;--ok:#7bd88f;--ok-bg:#17301e;--bad:#f5a097;--bad-bg:#3a1d1b;\
            --warn:#f3c46b;--warn-bg:#352a12;--code:#2a2d34}}
            *{box-sizing:border-box}
            body{margin:0;background:var(--bg);color:var(--fg);\
            font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",Arial,sans-serif}
            main{max-width:74rem;margin:0 auto;padding:2.5rem 1.25rem 3rem}
            a{color:var(--accent)}
            a:focus-visible{outline:3px solid var(--accent);outline-offset:2px;border-radius:4px}
            code{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.9em;\
            background:var(--code);padding:.1em .35em;border-radius:4px;overflow-wrap:anywhere}
            .eyebrow{margin:0;color:var(--muted);font-weight:600;letter-spacing:.04em;text-transform:uppercase;\
            font-size:.8rem}
            h1{font-size:clamp(1.8rem,4vw,2.6rem);line-height:1.15;margin:.3rem 0 1rem}
            h2{font-size:1.35rem;margin:2.5rem 0 .75rem}
            .lead{font-size:1.1rem;max-width:48rem;margin:0 0 1rem}
            .hint{color:var(--muted);max-width:48rem}
            ul.routes{list-style:none;padding:0;margin:0;display:grid;gap:1rem;\
            grid-template-columns:repeat(auto-fill,minmax(19rem,1fr))}
            .route{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1rem 1.1rem;\
            display:flex;flex-direction:column;gap:.5rem}
            .route h3{margin:0;font-size:1.1rem;display:flex;align-items:center;gap:.6rem;flex-wrap:wrap}
            .route h3 a{text-decoration-thickness:2px;text-underline-offset:3px}
            .route p{margin:0}
            .route .does{color:var(--muted);font-size:.95rem}
            .route .gets{font-size:.95rem}
            .badge{display:inline-block;font-size:.78rem;font-weight:700;padding:.15rem .5rem;border-radius:999px;\
            white-space:nowrap}
            .s2{background:var(--ok-bg);color:var(--ok)}
            .s5{background:var(--bad-bg);color:var(--bad)}
            .s503{background:var(--warn-bg);color:var(--warn)}
            .count{margin-top:auto;padding-top:.4rem;border-top:1px solid var(--line);color:var(--muted);\
            font-size:.88rem}
            .grid2{display:grid;gap:1.25rem;grid-template-columns:repeat(auto-fit,minmax(17rem,1fr));align-items:start}
            table{border-collapse:collapse;width:100%;background:var(--card);border:1px solid var(--line);\
            border-radius:12px;overflow:hidden}
            caption{text-align:left;font-weight:600;padding:0 0 .4rem}
            th,td{text-align:left;padding:.45rem .8rem;border-bottom:1px solid var(--line)}
            td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
            tr:last-child td{border-bottom:0}
            pre{margin:.5rem 0 0;max-width:48rem;overflow-x:auto;background:var(--code);border-radius:8px;\
            padding:.6rem .8rem}
            pre code{padding:0;background:none;overflow-wrap:normal}
            .more li{margin:.3rem 0}
            footer{margin-top:3rem;color:var(--muted);font-size:.9rem}
            @media (max-width:36rem){main{padding-top:1.5rem}.lead{font-size:1rem}}
            """;

    private IndexPage() {
    }

    /**
     * The page for {@code counts}; {@code builtIn} when the built-in upstream runs. Links start with {@code base}
     * (the context path); {@code origin} is the absolute URL of the application, for command examples.
     */
    static String render(LiveCounts counts, boolean builtIn, String base, String origin) {
        StringBuilder h = new StringBuilder(16 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"robots\" content=\"noindex\">\n")
                .append("<title>Upstream Guard gateway demo</title>\n<style>\n").append(STYLE).append("</style>\n")
                .append("</head>\n<body>\n<main>\n<header>\n<p class=\"eyebrow\">Upstream Guard &middot; gateway demo</p>\n")
                .append("<h1>Every 502, explained</h1>\n");
        if (builtIn) {
            h.append("<p class=\"lead\">This gateway calls a built-in upstream that misbehaves in one precise way per"
                    + " link below. Follow a link to see what a visitor sees: a 502, 503 or 504 page that says what"
                    + " happened, whether trying again helps, and the correlation ID to quote.</p>\n")
                    .append("<p class=\"hint\">Every error answer carries a <code>Proxy-Status</code> header naming"
                    + " the failure, and API clients get the same facts as <code>application/problem+json</code>:</p>\n")
                    .append("<pre tabindex=\"0\"><code>curl -i -H 'Accept: application/problem+json' ").append(esc(origin))
                    .append("/demo/reset</code></pre>\n</header>\n");
            routes(h, counts, base);
        } else {
            h.append("<p class=\"lead\">This gateway forwards every request under <a href=\"").append(esc(base))
                    .append("/api/\"><code>/api/</code></a> to the upstream <code>backend</code>, without the"
                    + " <code>/api</code> prefix. When the backend fails, the answer is a 502, 503 or 504 that says"
                    + " what happened, with a correlation ID to quote.</p>\n</header>\n");
        }
        liveCounts(h, counts, base);
        more(h, builtIn, base);
        h.append("</main>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void routes(StringBuilder h, LiveCounts counts, String base) {
        h.append("<section aria-labelledby=\"routes\">\n<h2 id=\"routes\">One link per failure</h2>\n")
                .append("<p class=\"hint\">Each link calls its own upstream, with its own circuit breaker. The")
                .append(" <a href=\"").append(esc(base)).append(DemoRoute.BREAKER.path())
                .append("\">breaker</a> link answers 502 three times, then 503 while its breaker is open.</p>\n")
                .append("<ul class=\"routes\">\n");
        for (DemoRoute route : DemoRoute.values()) {
            LiveCounts.UpstreamCalls calls = counts.upstream(route.routeName());
            h.append("<li class=\"route\">\n<h3><a href=\"").append(esc(base)).append(route.path()).append("\">")
                    .append(esc(route.routeName())).append("</a>")
                    .append(badge(route)).append("</h3>\n")
                    .append("<p class=\"does\">").append(esc(route.behaviour())).append("</p>\n")
                    .append("<p class=\"gets\"><strong>You get:</strong> ").append(esc(route.expected()));
            if (route.expectedError() != null) {
                h.append(", <code>").append(esc(route.expectedError())).append("</code>");
            }
            h.append(".</p>\n<p class=\"count\">").append(calls.calls()).append(calls.calls() == 1 ? " call" : " calls")
                    .append(", ").append(calls.failed()).append(" failed");
            String breaker = counts.breakerStates().get(route.routeName());
            if (breaker != null) {
                h.append(" &middot; breaker ").append("open".equals(breaker) ? "<strong>open</strong>" : esc(breaker));
            }
            h.append("</p>\n</li>\n");
        }
        h.append("</ul>\n</section>\n");
    }

    private static String badge(DemoRoute route) {
        int status = route.expectedStatus();
        String css = status < 300 ? "s2" : status == 503 ? "s503" : "s5";
        return "<span class=\"badge " + css + "\">" + status + "</span>";
    }

    private static void liveCounts(StringBuilder h, LiveCounts counts, String base) {
        h.append("<section aria-labelledby=\"counts\">\n<h2 id=\"counts\">Live counts</h2>\n")
                .append("<p class=\"hint\">Read from Upstream Guard's own Micrometer meters since start-up;")
                .append(" <a href=\"").append(esc(base)).append("/\">reload</a> to update.</p>\n<div class=\"grid2\">\n");
        table(h, "Upstream calls by failure kind", "Failure kind", "Calls", counts.callsByKind(),
                "upstream.guard.calls", "none");
        table(h, "Error pages served by status", "Status", "Pages", counts.errorPagesByStatus(),
                "upstream.guard.error.responses", null);
        h.append("</div>\n</section>\n");
    }

    private static void table(StringBuilder h, String caption, String keyHeader, String valueHeader,
            Map<String, Long> rows, String meter, String successKey) {
        h.append("<table>\n<caption>").append(esc(caption)).append(" <small>(<code>").append(esc(meter))
                .append("</code>)</small></caption>\n<thead><tr><th scope=\"col\">").append(esc(keyHeader))
                .append("</th><th scope=\"col\" class=\"n\">").append(esc(valueHeader)).append("</th></tr></thead>\n<tbody>\n");
        if (rows.isEmpty()) {
            h.append("<tr><td colspan=\"2\">None yet.</td></tr>\n");
        }
        rows.forEach((key, value) -> h.append("<tr><td>")
                .append(key.equals(successKey) ? "none (success)" : "<code>" + esc(key) + "</code>")
                .append("</td><td class=\"n\">").append(value).append("</td></tr>\n"));
        h.append("</tbody>\n</table>\n");
    }

    private static void more(StringBuilder h, boolean builtIn, String base) {
        String b = esc(base);
        h.append("<section aria-labelledby=\"more\">\n<h2 id=\"more\">Look closer</h2>\n<ul class=\"more\">\n");
        if (builtIn) {
            h.append("<li><a href=\"").append(b).append("/api/hello\"><code>/api/hello</code></a> forwards to a healthy")
                    .append(" built-in <code>backend</code>. Start the demo with")
                    .append(" <code>--upstream-guard.upstreams.backend.base-uri=http://127.0.0.1:9000</code> to")
                    .append(" forward <code>/api/**</code> to your own service instead.</li>\n");
        }
        h.append("<li><a href=\"").append(b).append("/actuator/health\">Health</a>: one indicator per upstream, with")
                .append(" its circuit breaker's state.</li>\n")
                .append("<li><a href=\"").append(b).append("/actuator/prometheus\">Prometheus metrics</a> and <a href=\"")
                .append(b).append("/actuator/metrics/upstream.guard.calls\"><code>upstream.guard.calls</code></a>.</li>\n")
                .append("<li>The logs carry one line per failure, with the correlation ID shown on the error page.</li>\n")
                .append("</ul>\n</section>\n<footer>Upstream Guard gateway demo &middot; Spring Boot</footer>\n");
    }

    /** Escapes text for HTML content and attribute values. */
    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
