package dev.upstreamguard.doctor.evidence;

/** Input hygiene shared by the decoders: bounded length, control characters neutralised. */
final class Text {
    /** Longest part of a line that is read; the rest is ignored (a log line is far shorter). */
    static final int MAX_LINE = 16 * 1024;
    /** Longest value quoted back from the input. */
    static final int MAX_QUOTE = 160;

    private static final java.util.regex.Pattern ANSI_CSI =
            java.util.regex.Pattern.compile("\u001b\\[[0-9;?]{0,32}[ -/]{0,4}[@-~]");
    private static final java.util.regex.Pattern ANSI_OSC =
            java.util.regex.Pattern.compile("\u001b\\][^\u0007\u001b]{0,512}(?:\u0007|\u001b\\\\)?");

    private Text() {
    }

    /** {@code line} cut to {@link #MAX_LINE} with every control character (and line separator) replaced by a space. */
    static String clean(String line) {
        String s = line.length() > MAX_LINE ? line.substring(0, MAX_LINE) : line;
        if (s.indexOf('\u001b') >= 0) {
            // Terminal escape sequences (colour, titles) pasted with a line: dropped whole, not only their ESC.
            s = ANSI_OSC.matcher(ANSI_CSI.matcher(s).replaceAll("")).replaceAll("");
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? ' ' : c);
        }
        return b.toString();
    }

    /** A value from the input, safe to show: already clean, and cut to {@link #MAX_QUOTE} characters. */
    static String quote(String value) {
        return value.length() > MAX_QUOTE ? value.substring(0, MAX_QUOTE) + "..." : value;
    }
}
