package dev.upstreamguard.doctor.internal.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * {@code java -jar upstream-guard-doctor.jar <command> ...}: dispatches to one command. Exit codes: 0 nothing
 * wrong, 1 a problem found, 2 a usage error (one line on standard error naming the argument).
 */
public final class DoctorCli {
    /** Nothing wrong was found. */
    public static final int OK = 0;
    /** A problem was found. */
    public static final int PROBLEM = 1;
    /** The command line was wrong. */
    public static final int USAGE = 2;

    static final String USAGE_TEXT = """
            usage: upstream-guard-doctor <command> [options]
              probe URL [--idle 1s,5s] [--budget 60s] [--path /health] [--header 'Name: value'] [--head] [--json]
                    [--connect-timeout 5s] [--response-timeout 10s] [--pool-idle 30s|none]
              chain [--preset alb|gcp|cloudflare] [--nginx FILE|-] [--haproxy FILE] [--spring FILE] [--json]
              explain 'LINE' [--json]      (or the lines on standard input)
            exit codes: 0 nothing wrong, 1 a problem found, 2 usage error
            """;

    private DoctorCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** Runs one command; returns the exit code. Never calls {@code System.exit}. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            (args.length == 0 ? err : out).print(USAGE_TEXT);
            return args.length == 0 ? USAGE : OK;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        return switch (args[0]) {
            case "probe" -> ProbeCommand.run(rest, out, err);
            case "chain" -> ChainCommand.run(rest, in, out, err);
            case "explain" -> ExplainCommand.run(rest, in, out, err);
            default -> {
                err.println("upstream-guard-doctor: unknown command '" + printable(args[0])
                        + "' (expected probe, chain or explain)");
                yield USAGE;
            }
        };
    }

    private static String printable(String s) {
        String p = dev.upstreamguard.doctor.internal.TextTable.printable(s);
        return p.length() > 40 ? p.substring(0, 40) + "..." : p;
    }
}
