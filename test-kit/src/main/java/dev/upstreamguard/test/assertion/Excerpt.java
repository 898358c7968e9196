package dev.upstreamguard.test.assertion;

/** A short, single-line, printable excerpt of a body for failure messages. */
final class Excerpt {
    private static final int MAX = 300;

    private Excerpt() {
    }

    static String of(String text) {
        if (text == null) {
            return "(none)";
        }
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length() && i < MAX; i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
        if (text.length() > MAX) {
            out.append("... (").append(text.length()).append(" chars)");
        }
        return out.toString();
    }
}
