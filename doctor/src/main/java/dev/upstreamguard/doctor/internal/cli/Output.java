package dev.upstreamguard.doctor.internal.cli;

import dev.upstreamguard.doctor.Verdict;

/** Marks for human output: plain words, coloured only on a terminal that allows it. */
final class Output {
    private final boolean colour;

    private Output(boolean colour) {
        this.colour = colour;
    }

    /** Colour when standard output is a terminal, {@code NO_COLOR} is unset and {@code TERM} is not dumb. */
    static Output forConsole() {
        boolean tty = System.console() != null && System.getenv("NO_COLOR") == null
                && !"dumb".equals(System.getenv("TERM"));
        return new Output(tty);
    }

    static Output plain() {
        return new Output(false);
    }

    /** {@code OK}, {@code WARN} or {@code FAIL}. The table pads it; colour codes are added around the padded cell. */
    String mark(Verdict v) {
        return switch (v) {
            case OK -> "OK";
            case DEGRADED -> "WARN";
            case FAILED -> "FAIL";
        };
    }

    /** Colours the marks of a rendered table (only at the start of lines). */
    String colourMarks(String rendered) {
        if (!colour) {
            return rendered;
        }
        return rendered.replaceAll("(?m)^FAIL", "\u001b[31mFAIL\u001b[0m")
                .replaceAll("(?m)^WARN", "\u001b[33mWARN\u001b[0m")
                .replaceAll("(?m)^OK ", "\u001b[32mOK\u001b[0m ");
    }
}
