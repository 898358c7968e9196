package dev.upstreamguard.doctor.internal.cli;

import java.io.PrintStream;

/** The {@code probe} command. */
final class ProbeCommand {
    private ProbeCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        err.println("upstream-guard-doctor: 'probe' is not available yet");
        return DoctorCli.USAGE;
    }
}
