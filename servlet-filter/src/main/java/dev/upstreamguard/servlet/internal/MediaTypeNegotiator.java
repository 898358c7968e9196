package dev.upstreamguard.servlet.internal;

import java.util.List;
import java.util.Locale;

/**
 * Chooses one of a fixed list of media types for an {@code Accept} header (RFC 9110 section 12.5.1).
 *
 * <p>Each offered type gets the q-value of the most specific range that matches it: {@code type/subtype}, then
 * a structured-suffix match ({@code application/json} matches {@code application/problem+json}), then
 * {@code type/*}, then {@code *}{@code /*}. The highest q wins; ties go to the earlier offered type (the first is
 * the default). Malformed ranges are skipped, only the first {@value #MAX_CHARS} characters and
 * {@value #MAX_RANGES} ranges are read, and when nothing is acceptable the default is used anyway: an error
 * response always has a body.
 */
public final class MediaTypeNegotiator {
    static final int MAX_CHARS = 4096;
    static final int MAX_RANGES = 64;

    private final String[] types;
    private final String[] mainTypes;
    private final String[] subTypes;
    private final String[] suffixTypes;

    /** Offers {@code types} (lower-case {@code type/subtype}), in server preference order. */
    public MediaTypeNegotiator(List<String> types) {
        int n = types.size();
        this.types = types.toArray(new String[0]);
        this.mainTypes = new String[n];
        this.subTypes = new String[n];
        this.suffixTypes = new String[n];
        for (int i = 0; i < n; i++) {
            String t = this.types[i];
            int slash = t.indexOf('/');
            mainTypes[i] = t.substring(0, slash);
            subTypes[i] = t.substring(slash + 1);
            int plus = subTypes[i].lastIndexOf('+');
            suffixTypes[i] = plus < 0 ? null : mainTypes[i] + "/" + subTypes[i].substring(plus + 1);
        }
    }

    /** The index of the chosen type in the offered list. */
    public int select(String accept) {
        if (accept == null || accept.isBlank()) {
            return 0;
        }
        int n = types.length;
        int[] specificity = new int[n];
        int[] quality = new int[n];
        java.util.Arrays.fill(specificity, -1);
        String header = accept.length() > MAX_CHARS ? accept.substring(0, MAX_CHARS) : accept;
        int start = 0;
        for (int ranges = 0; start <= header.length() && ranges < MAX_RANGES; ranges++) {
            int comma = header.indexOf(',', start);
            int end = comma < 0 ? header.length() : comma;
            apply(header.substring(start, end), specificity, quality);
            start = end + 1;
        }
        int best = 0;
        int bestQ = specificity[0] < 0 ? 0 : quality[0];
        for (int i = 1; i < n; i++) {
            int q = specificity[i] < 0 ? 0 : quality[i];
            if (q > bestQ) {
                best = i;
                bestQ = q;
            }
        }
        return best;
    }

    /** Records one media range's q-value (in thousandths) on each type it matches more specifically than before. */
    private void apply(String range, int[] specificity, int[] quality) {
        int semi = range.indexOf(';');
        String mediaRange = (semi < 0 ? range : range.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        int q = semi < 0 ? 1000 : qValue(range.substring(semi + 1));
        if (q < 0 || mediaRange.isEmpty()) {
            return;
        }
        if (mediaRange.equals("*")) {
            mediaRange = "*/*"; // sent by old clients such as HttpURLConnection
        }
        int slash = mediaRange.indexOf('/');
        if (slash <= 0 || slash == mediaRange.length() - 1 || !isToken(mediaRange, slash)) {
            return;
        }
        String main = mediaRange.substring(0, slash);
        String sub = mediaRange.substring(slash + 1);
        for (int i = 0; i < types.length; i++) {
            int s = match(i, mediaRange, main, sub);
            if (s > specificity[i]) {
                specificity[i] = s;
                quality[i] = q;
            }
        }
    }

    private int match(int i, String range, String main, String sub) {
        if (range.equals(types[i])) {
            return 3;
        }
        if (range.equals(suffixTypes[i])) {
            return 2;
        }
        if (sub.equals("*") && main.equals(mainTypes[i])) {
            return 1;
        }
        return main.equals("*") && sub.equals("*") ? 0 : -1;
    }

    /** The q parameter in thousandths (1000 when absent), or -1 when malformed. */
    static int qValue(String params) {
        for (String param : params.split(";", 16)) {
            String p = param.trim();
            if (p.length() >= 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
                return parseQ(p.substring(2).trim());
            }
        }
        return 1000;
    }

    private static int parseQ(String v) {
        if (v.isEmpty() || v.length() > 5) {
            return -1;
        }
        int dot = v.indexOf('.');
        String whole = dot < 0 ? v : v.substring(0, dot);
        String frac = dot < 0 ? "" : v.substring(dot + 1);
        if (whole.length() > 1 || frac.length() > 3 || whole.isEmpty() && frac.isEmpty()
                || !digits(whole) || !digits(frac)) {
            return -1;
        }
        int q = (whole.isEmpty() ? 0 : whole.charAt(0) - '0') * 1000;
        for (int i = 0; i < 3; i++) {
            q += (i < frac.length() ? frac.charAt(i) - '0' : 0) * (i == 0 ? 100 : i == 1 ? 10 : 1);
        }
        return q > 1000 ? -1 : q;
    }

    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isToken(String s, int slash) {
        for (int i = 0; i < s.length(); i++) {
            if (i != slash && !Checks.isTokenChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
