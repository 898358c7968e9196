package dev.upstreamguard.doctor.internal.cli;

import java.io.InputStream;
import java.io.PrintStream;

/** The {@code explain} command. */
final class ExplainCommand {
    private ExplainCommand() {
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        err.println("upstream-guard-doctor: 'explain' is not available yet");
        return DoctorCli.USAGE;
    }
}
