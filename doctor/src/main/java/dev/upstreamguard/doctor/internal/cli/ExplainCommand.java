package dev.upstreamguard.doctor.internal.cli;

import dev.upstreamguard.doctor.Verdict;
import dev.upstreamguard.doctor.evidence.EvidenceDecoder;
import dev.upstreamguard.doctor.evidence.Explanation;
import dev.upstreamguard.doctor.internal.Json;
import dev.upstreamguard.doctor.internal.TextTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code explain 'LINE'... [--json]}, or the lines on standard input: each line decoded. Exit 1 when a line shows a
 * failure or a problem, 0 otherwise (unknown lines included: they are reported as unknown).
 */
final class ExplainCommand {
    /** Most lines read from standard input. */
    static final int MAX_LINES = 10_000;
    /** Longest line kept from standard input; the rest of a longer line is dropped. */
    static final int MAX_LINE = 16 * 1024;

    private ExplainCommand() {
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.print("""
                    usage: upstream-guard-doctor explain 'LINE'... [--json]   (or the lines on standard input)
                      LINE: an nginx error-log line, an HAProxy log line or termination state (SH--), Envoy
                            response flags (UF,URX), an AWS ALB access-log entry or elb_status_code=...,
                            a Google Cloud LB statusDetails value, a Cloudflare 52x, a Proxy-Status value
                    exit codes: 0 nothing wrong (or not recognised), 1 a failure or problem shown, 2 usage error
                    """);
            return DoctorCli.OK;
        }
        Args a;
        try {
            a = Args.parse(args, List.of(), List.of("--json"));
        } catch (Args.UsageException e) {
            err.println("upstream-guard-doctor explain: " + e.getMessage());
            return DoctorCli.USAGE;
        }
        List<String> lines = new ArrayList<>(a.positional);
        if (lines.isEmpty()) {
            try {
                lines = readLines(in);
            } catch (IOException e) {
                err.println("upstream-guard-doctor explain: cannot read standard input");
                return DoctorCli.USAGE;
            }
        }
        List<Explanation> explanations = new EvidenceDecoder().explainAll(lines);
        if (explanations.isEmpty()) {
            err.println("upstream-guard-doctor explain: no line given (pass 'LINE' or lines on standard input)");
            return DoctorCli.USAGE;
        }
        Verdict worst = Verdict.OK;
        for (Explanation e : explanations) {
            worst = worst.worst(e.verdict());
        }
        if (a.has("--json")) {
            out.println(Json.write(json(worst, explanations)));
        } else {
            out.print(human(explanations, Output.forConsole()));
        }
        return worst == Verdict.OK ? DoctorCli.OK : DoctorCli.PROBLEM;
    }

    static Map<String, Object> json(Verdict worst, List<Explanation> explanations) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("verdict", worst.tagValue());
        List<Object> list = new ArrayList<>();
        for (Explanation e : explanations) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("source", e.source());
            m.put("recognized", e.recognized());
            m.put("evidence", e.evidence());
            m.put("verdict", e.verdict().tagValue());
            m.put("hop", e.hop() == null ? null : e.hop().tagValue());
            m.put("hopLabel", e.hop() == null ? null : e.hop().label());
            m.put("kind", e.kind() == null ? null : e.kind().tagValue());
            m.put("errorType", e.errorType());
            m.put("status", e.status() == 0 ? null : e.status());
            m.put("cause", e.cause());
            m.put("fix", e.fix());
            list.add(m);
        }
        root.put("explanations", list);
        return root;
    }

    static String human(List<Explanation> explanations, Output output) {
        TextTable table = new TextTable("MARK", "#", "FROM", "WHAT");
        int n = 0;
        for (Explanation e : explanations) {
            n++;
            String error = e.errorType() == null ? (e.kind() == null ? "-" : "received-status")
                    : e.errorType();
            table.row(e.recognized() ? output.mark(e.verdict()) : "?", Integer.toString(n), e.source(), e.evidence().isEmpty() ? "(empty)"
                    : e.evidence());
            if (e.recognized()) {
                table.row("", "", "", "hop: " + (e.hop() == null ? "-" : e.hop().label()) + "; error: " + error
                        + (e.status() == 0 ? "" : "; status " + e.status()));
            }
            table.row("", "", "", "cause: " + e.cause());
            table.row("", "", "", "fix: " + e.fix());
        }
        return output.colourMarks(table.render());
    }

    /** Lines of {@code in}, at most {@link #MAX_LINES}, each cut to {@link #MAX_LINE} characters. */
    static List<String> readLines(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        Reader r = new java.io.BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        StringBuilder line = new StringBuilder();
        int c;
        while (lines.size() < MAX_LINES && (c = r.read()) >= 0) {
            if (c == '\n') {
                lines.add(line.toString());
                line.setLength(0);
            } else if (line.length() < MAX_LINE) {
                line.append((char) c);
            }
        }
        if (line.length() > 0 && lines.size() < MAX_LINES) {
            lines.add(line.toString());
        }
        return lines;
    }
}
