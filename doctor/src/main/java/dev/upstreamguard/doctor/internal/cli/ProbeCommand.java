package dev.upstreamguard.doctor.internal.cli;

import dev.upstreamguard.doctor.internal.Json;
import dev.upstreamguard.doctor.internal.TextTable;
import dev.upstreamguard.doctor.probe.ProbeReport;
import dev.upstreamguard.doctor.probe.UpstreamProbe;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code probe} command: {@code probe URL [--idle 1s,5s] [--budget 60s] [--path P] [--header 'N: v'] [--head]
 * [--connect-timeout 5s] [--response-timeout 10s] [--pool-idle 30s|none] [--json]}.
 */
final class ProbeCommand {
    private ProbeCommand() {
    }

    /** A bad argument: its message is the one line printed. */
    private static final class Usage extends Exception {
        private static final long serialVersionUID = 1L;

        Usage(String message) {
            super(message, null, false, false);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        boolean json = false;
        UpstreamProbe probe;
        try {
            String url = null;
            List<String[]> headers = new ArrayList<>();
            List<String> options = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--json" -> json = true;
                    case "--head" -> options.add("--head");
                    case "--idle", "--budget", "--path", "--header", "--connect-timeout", "--response-timeout",
                            "--pool-idle" -> {
                        if (i + 1 >= args.length) {
                            throw new Usage(a + ": missing value");
                        }
                        String value = args[++i];
                        if (a.equals("--header")) {
                            int colon = value.indexOf(':');
                            if (colon <= 0) {
                                throw new Usage("--header: expected 'Name: value', but was '" + shown(value) + "'");
                            }
                            headers.add(new String[] {value.substring(0, colon).trim(),
                                    value.substring(colon + 1).trim()});
                        } else {
                            options.add(a);
                            options.add(value);
                        }
                    }
                    default -> {
                        if (a.startsWith("-")) {
                            throw new Usage("unknown option '" + shown(a) + "' for probe");
                        }
                        if (url != null) {
                            throw new Usage("one URL only, but got also '" + shown(a) + "'");
                        }
                        url = a;
                    }
                }
            }
            if (url == null) {
                throw new Usage("probe: missing URL (probe https://host:port/path)");
            }
            probe = build(url, options, headers);
        } catch (Usage e) {
            err.println("upstream-guard-doctor: " + e.getMessage());
            return DoctorCli.USAGE;
        }
        ProbeReport report = probe.run();
        if (json) {
            out.println(Json.write(report.toMap()));
        } else {
            out.print(ProbeTable.render(report, colour()));
        }
        return report.verdict() == dev.upstreamguard.doctor.Verdict.OK ? DoctorCli.OK : DoctorCli.PROBLEM;
    }

    private static UpstreamProbe build(String url, List<String> options, List<String[]> headers) throws Usage {
        UpstreamProbe.Builder b;
        try {
            b = UpstreamProbe.builder(url);
        } catch (IllegalArgumentException e) {
            throw new Usage("URL: " + e.getMessage());
        }
        String option = "URL";
        try {
            for (int i = 0; i < options.size(); i++) {
                option = options.get(i);
                switch (option) {
                    case "--head" -> b.head(true);
                    case "--path" -> b.path(options.get(++i));
                    case "--budget" -> b.budget(duration(option, options.get(++i)));
                    case "--connect-timeout" -> b.connectTimeout(duration(option, options.get(++i)));
                    case "--response-timeout" -> b.responseTimeout(duration(option, options.get(++i)));
                    case "--pool-idle" -> {
                        String v = options.get(++i);
                        b.poolIdleTimeout(v.equals("none") ? null : duration(option, v));
                    }
                    case "--idle" -> {
                        String v = options.get(++i);
                        List<Duration> periods = new ArrayList<>();
                        if (!v.equals("none")) {
                            for (String part : v.split(",", -1)) {
                                periods.add(duration(option, part.trim()));
                            }
                        }
                        b.idlePeriods(periods);
                    }
                    default -> throw new IllegalStateException("unhandled option " + option);
                }
            }
            option = "--header";
            for (String[] h : headers) {
                b.header(h[0], h[1]);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new Usage(option + ": " + e.getMessage());
        }
    }

    private static Duration duration(String option, String value) throws Usage {
        Duration d = Durations.parse(value);
        if (d == null) {
            throw new Usage(option + ": expected a duration such as 500ms, 5s or 2m, but was '" + shown(value) + "'");
        }
        return d;
    }

    private static String shown(String s) {
        String p = TextTable.printable(s);
        return p.length() > 60 ? p.substring(0, 60) + "..." : p;
    }

    /** Colour only on a terminal, and never when NO_COLOR is set or TERM is dumb. */
    private static boolean colour() {
        return System.console() != null && System.getenv("NO_COLOR") == null
                && !"dumb".equals(System.getenv("TERM"));
    }
}
