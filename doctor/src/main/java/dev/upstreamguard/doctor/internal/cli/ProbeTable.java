package dev.upstreamguard.doctor.internal.cli;

import dev.upstreamguard.doctor.Verdict;
import dev.upstreamguard.doctor.internal.TextTable;
import dev.upstreamguard.doctor.probe.PhaseResult;
import dev.upstreamguard.doctor.probe.ProbeReport;

/** The probe's human output: a heading, one row per phase with a mark, and the verdict with the fix. */
final class ProbeTable {
    static final String OK = "[ok]";
    static final String DEGRADED = "[!!]";
    static final String FAILED = "[XX]";
    static final String SKIPPED = "[--]";

    private ProbeTable() {
    }

    static String render(ProbeReport report, boolean colour) {
        StringBuilder out = new StringBuilder();
        out.append(TextTable.printable(report.method() + " " + report.target())).append('\n');
        TextTable table = new TextTable("", "PHASE", "TIME", "RESULT");
        for (PhaseResult p : report.phases()) {
            table.row(mark(p), p.phase().tagValue(), p.skipped() ? "" : millis(p.elapsed().toMillis()), p.summary());
        }
        out.append(table.render());
        Verdict v = report.verdict();
        PhaseResult problem = report.problem().orElse(null);
        if (problem == null) {
            out.append("verdict: OK, nothing wrong found in ").append(millis(report.elapsed().toMillis()))
                    .append('\n');
        } else {
            TextTable verdict = new TextTable("", "");
            verdict.row("verdict:", v.name() + " in the " + problem.phase().tagValue() + " phase: "
                    + problem.reason() + ", at the hop '" + problem.hop().label() + "'");
            verdict.row("fix:", problem.fix());
            String text = verdict.render();
            out.append(text.substring(text.indexOf('\n') + 1));
        }
        String text = out.toString();
        return colour ? colourMarks(text) : text;
    }

    private static String mark(PhaseResult p) {
        if (p.skipped()) {
            return SKIPPED;
        }
        return switch (p.verdict()) {
            case OK -> OK;
            case DEGRADED -> DEGRADED;
            case FAILED -> FAILED;
        };
    }

    private static String millis(long ms) {
        return ms < 10_000 ? ms + " ms" : Math.round(ms / 1000.0) + " s";
    }

    /** ANSI colour on the marks at the start of lines (the cells themselves never carry control characters). */
    private static String colourMarks(String text) {
        return text.replace("\n" + OK, "\n\u001b[32m" + OK + "\u001b[0m")
                .replace("\n" + DEGRADED, "\n\u001b[33m" + DEGRADED + "\u001b[0m")
                .replace("\n" + FAILED, "\n\u001b[31m" + FAILED + "\u001b[0m");
    }
}
