package dev.upstreamguard.doctor.probe;

import dev.upstreamguard.doctor.internal.TextTable;
import java.time.Duration;
import java.util.Locale;

/** Small wording helpers: durations for people, untrusted text made safe and short. */
final class Words {
    private Words() {
    }

    /** {@code 850 ms}, {@code 2.0 s}, {@code 65 s}. */
    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 10_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        return Math.round(ms / 1000.0) + " s";
    }

    /** Seconds with one decimal, for facts: {@code 2.0}. */
    static double seconds(Duration d) {
        return Math.round(d.toMillis() / 100.0) / 10.0;
    }

    /** Untrusted text (an exception message, a header) without control characters, at most {@code max} chars. */
    static String safe(String s, int max) {
        if (s == null) {
            return null;
        }
        String p = TextTable.printable(s);
        return p.length() > max ? p.substring(0, max) + "..." : p;
    }

    /** Bytes as text for showing a few of them: printable ASCII kept, anything else as {@code \xNN}. */
    static String bytes(byte[] b, int len, int max) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(len, max); i++) {
            int c = b[i] & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '\\') {
                out.append((char) c);
            } else {
                out.append(String.format(Locale.ROOT, "\\x%02x", c));
            }
        }
        return out.append(len > max ? "..." : "").toString();
    }
}
