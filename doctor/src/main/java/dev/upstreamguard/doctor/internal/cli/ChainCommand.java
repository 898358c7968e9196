package dev.upstreamguard.doctor.internal.cli;

import java.io.InputStream;
import java.io.PrintStream;

/** The {@code chain} command. */
final class ChainCommand {
    private ChainCommand() {
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        err.println("upstream-guard-doctor: 'chain' is not available yet");
        return DoctorCli.USAGE;
    }
}
