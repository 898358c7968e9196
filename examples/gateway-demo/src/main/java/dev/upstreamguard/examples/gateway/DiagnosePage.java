package dev.upstreamguard.examples.gateway;

import dev.upstreamguard.doctor.probe.PhaseResult;
import dev.upstreamguard.doctor.probe.ProbeReport;
import java.util.List;
import org.springframework.web.util.HtmlUtils;

/**
 * The "Diagnose" page: per demo route, the doctor's verdict (phase at fault, error type, hop, fix) and every
 * phase's one-line result. Everything that comes from a probe (summaries hold bytes the upstream sent) is
 * HTML-escaped. One self-contained document: inline CSS, no scripts.
 */
final class DiagnosePage {
    /** One route and its report ({@code null} when the probe itself broke). */
    record Row(DemoRoute route, ProbeReport report) {
    }

    private static final String STYLE = """
            :root{color-scheme:light dark}
            body{margin:0;font:16px/1.5 system-ui,sans-serif}
            main{max-width:74rem;margin:0 auto;padding:2rem 1.25rem}
            table{border-collapse:collapse;width:100%}
            th,td{text-align:left;vertical-align:top;padding:.4rem .6rem;border-bottom:1px solid #8884}
            .ok{color:#146c2e}.degraded{color:#7a4b00}.failed{color:#a8201a}
            code{font-family:ui-monospace,monospace;font-size:.9em}
            details summary{cursor:pointer}
            ul{margin:.3rem 0;padding-left:1.2rem}
            """;

    private DiagnosePage() {
    }

    static String render(List<Row> rows) {
        StringBuilder b = new StringBuilder(16 * 1024);
        b.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
                .append("<meta name=\"robots\" content=\"noindex\"><title>Diagnose - Gateway demo</title><style>")
                .append(STYLE).append("</style></head><body><main>")
                .append("<p><a href=\"/\">Gateway demo</a></p><h1>Diagnose</h1>")
                .append("<p>The doctor probed each route's upstream just now, phase by phase (resolve, connect, tls, ")
                .append("processing, transfer, keep-alive), with the upstream's own policy and a ")
                .append(DiagnoseController.BUDGET.toSeconds()).append(" s budget. The same probe runs from the ")
                .append("command line (<code>java -jar upstream-guard-doctor.jar probe URL</code>) and from the ")
                .append("<code>upstreams</code> Actuator endpoint.</p>")
                .append("<table><thead><tr><th>Route</th><th>Verdict</th><th>Why</th><th>Fix</th></tr></thead><tbody>");
        for (Row row : rows) {
            b.append("<tr><td><a href=\"").append(esc(row.route().path())).append("\"><code>")
                    .append(esc(row.route().routeName())).append("</code></a></td>");
            if (row.report() == null) {
                b.append("<td class=\"failed\">error</td><td>the probe could not run</td><td></td></tr>");
                continue;
            }
            ProbeReport r = row.report();
            PhaseResult problem = r.problem().orElse(null);
            String verdict = r.verdict().tagValue();
            b.append("<td class=\"").append(verdict).append("\">").append(verdict).append("</td><td>");
            if (problem == null) {
                b.append("nothing wrong found");
            } else {
                b.append("<strong>").append(esc(problem.phase().tagValue())).append("</strong>: <code>")
                        .append(esc(problem.reason())).append("</code> at the hop <em>")
                        .append(esc(problem.hop().label())).append("</em><br>").append(esc(problem.summary()));
            }
            b.append("<details><summary>every phase</summary><ul>");
            for (PhaseResult p : r.phases()) {
                b.append("<li><code>").append(esc(p.phase().tagValue())).append("</code> ")
                        .append(esc(p.skipped() ? "skipped" : p.verdict().tagValue())).append(": ")
                        .append(esc(p.summary())).append("</li>");
            }
            b.append("</ul></details></td><td>").append(problem == null ? "" : esc(problem.fix())).append("</td></tr>");
        }
        return b.append("</tbody></table></main></body></html>").toString();
    }

    private static String esc(String s) {
        return s == null ? "" : HtmlUtils.htmlEscape(s, "UTF-8");
    }
}
