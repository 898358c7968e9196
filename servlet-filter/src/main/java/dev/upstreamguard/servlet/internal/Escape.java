package dev.upstreamguard.servlet.internal;

/** Escaping for HTML, JSON and plain-text output. */
public final class Escape {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Escape() {
    }

    /** Appends {@code value} escaped for HTML text and quoted attributes; {@code null} appends nothing. */
    public static void html(String value, StringBuilder out) {
        if (value == null) {
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c < 0x20 && c != '\n' && c != '\t' || c == 0x7f ? '\uFFFD' : c);
            }
        }
    }

    /** {@code value} escaped for HTML. */
    public static String html(String value) {
        StringBuilder sb = new StringBuilder(value == null ? 0 : value.length() + 16);
        html(value, sb);
        return sb.toString();
    }

    /**
     * Appends {@code value} as a JSON string, quotes included. Besides what JSON requires, {@code < > &} and the
     * line separators U+2028/U+2029 are escaped too, so the document is inert if a browser sniffs it as HTML.
     */
    public static void json(String value, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf])
                                .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** {@code value} with control characters replaced by a space, for one line of plain text or a log. */
    public static String line(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder sb = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                if (sb == null) {
                    sb = new StringBuilder(value);
                }
                sb.setCharAt(i, ' ');
            }
        }
        return sb == null ? value : sb.toString();
    }
}
