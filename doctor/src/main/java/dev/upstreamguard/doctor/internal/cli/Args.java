package dev.upstreamguard.doctor.internal.cli;

import dev.upstreamguard.doctor.internal.TextTable;
import java.util.ArrayList;
import java.util.List;

/** Command-line arguments read in order: options with or without a value, and positional words. */
final class Args {
    /** One option as given: {@code --name value}, or {@code --name} for flags ({@code value} null). */
    record Option(String name, String value) {
    }

    /** A bad argument: the message names it. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    final List<Option> options = new ArrayList<>();
    final List<String> positional = new ArrayList<>();

    /**
     * Splits {@code args}: an argument starting with {@code --} and a letter is an option; those in
     * {@code withValue} take the next argument (or {@code --name=value}); {@code --} ends the options.
     */
    static Args parse(String[] args, List<String> withValue, List<String> flags) {
        Args out = new Args();
        boolean options = true;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (options && a.equals("--")) {
                options = false;
            } else if (options && a.length() > 2 && a.startsWith("--") && Character.isLetter(a.charAt(2))) {
                int eq = a.indexOf('=');
                String name = eq < 0 ? a : a.substring(0, eq);
                if (withValue.contains(name)) {
                    String value;
                    if (eq >= 0) {
                        value = a.substring(eq + 1);
                    } else if (i + 1 < args.length) {
                        value = args[++i];
                    } else {
                        throw new UsageException(name + " needs a value");
                    }
                    out.options.add(new Option(name, value));
                } else if (flags.contains(name) && eq < 0) {
                    out.options.add(new Option(name, null));
                } else {
                    throw new UsageException("unknown option " + shown(name));
                }
            } else {
                out.positional.add(a);
            }
        }
        return out;
    }

    boolean has(String name) {
        return options.stream().anyMatch(o -> o.name().equals(name));
    }

    /** The last value of {@code name}, or {@code null}. */
    String value(String name) {
        String v = null;
        for (Option o : options) {
            if (o.name().equals(name)) {
                v = o.value();
            }
        }
        return v;
    }

    /** An argument, shortened and printable, for an error message. */
    static String shown(String s) {
        String p = TextTable.printable(s);
        return "'" + (p.length() > 60 ? "..." + p.substring(p.length() - 57) : p) + "'";
    }
}
