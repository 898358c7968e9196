package dev.upstreamguard.servlet.internal;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Validates incoming correlation IDs and generates new ones.
 *
 * <p>An incoming ID is used only if it is 1..128 characters from a safe set (ASCII letters, digits and
 * {@code - _ . : + / = @}): no control characters, spaces, quotes, angle brackets, CR/LF or non-ASCII, so it can go
 * into a header, a log line and an HTML page unchanged. New IDs are 32 lower-case hex digits from
 * {@link ThreadLocalRandom} (128 bits; about 13 ns, no contention, unlike {@code UUID.randomUUID()}); they are also
 * valid W3C trace-ids, so core can use them as the trace-id of the {@code traceparent} it sends.
 */
public final class CorrelationIds {
    /** The longest accepted incoming ID. */
    public static final int MAX_LENGTH = 128;

    private static final boolean[] SAFE = new boolean[128];
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            SAFE[c] = true;
            SAFE[Character.toUpperCase(c)] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            SAFE[c] = true;
        }
        for (char c : "-_.:+/=@".toCharArray()) {
            SAFE[c] = true;
        }
    }

    private CorrelationIds() {
    }

    /** Whether {@code id} may be used as it is. */
    public static boolean isValid(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c >= 128 || !SAFE[c]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The trace-id of a valid W3C {@code traceparent} ({@code version-traceid-parentid-flags}), or {@code null}.
     * Version {@code ff} and all-zero IDs are invalid; a future version may append fields after the flags.
     */
    public static String traceIdOf(String traceparent) {
        if (traceparent == null || traceparent.length() < 55 || traceparent.length() > 512) {
            return null;
        }
        String tp = traceparent;
        if (!isLowerHex(tp, 0, 2) || tp.startsWith("ff") || tp.charAt(2) != '-' || !isLowerHex(tp, 3, 35)
                || tp.charAt(35) != '-' || !isLowerHex(tp, 36, 52) || tp.charAt(52) != '-' || !isLowerHex(tp, 53, 55)) {
            return null;
        }
        if (tp.length() > 55 && (tp.startsWith("00") || tp.charAt(55) != '-')) {
            return null;
        }
        if (isZero(tp, 3, 35) || isZero(tp, 36, 52)) {
            return null;
        }
        return tp.substring(3, 35);
    }

    /** A new 128-bit ID as 32 lower-case hex digits, never all zeros. */
    public static String generate() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long hi = random.nextLong();
        long lo = random.nextLong() | 1L;
        char[] out = new char[32];
        for (int i = 0; i < 16; i++) {
            out[i] = HEX[(int) (hi >>> (60 - 4 * i)) & 0xf];
            out[16 + i] = HEX[(int) (lo >>> (60 - 4 * i)) & 0xf];
        }
        return new String(out);
    }

    private static boolean isLowerHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isZero(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }
}
