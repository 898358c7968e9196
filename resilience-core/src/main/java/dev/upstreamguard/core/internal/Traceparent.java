package dev.upstreamguard.core.internal;

import java.util.Random;

/** Builds the W3C {@code traceparent} sent upstream (https://www.w3.org/TR/trace-context/). */
final class Traceparent {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Traceparent() {
    }

    /**
     * A child of the incoming traceparent when it is valid; else a new one whose trace-id is the correlation ID
     * when that is 32 lower-case hex digits; else {@code null} (nothing to correlate with).
     */
    static String forRequest(String incoming, String correlationId, Random random) {
        String traceId = null;
        String flags = "01";
        if (incoming != null && incoming.length() == 55 && incoming.startsWith("00-") && isHex(incoming, 3, 35)
                && incoming.charAt(35) == '-' && isHex(incoming, 36, 52) && incoming.charAt(52) == '-'
                && isHex(incoming, 53, 55)) {
            traceId = incoming.substring(3, 35);
            flags = incoming.substring(53, 55);
        } else if (correlationId != null && correlationId.length() == 32 && isHex(correlationId, 0, 32)) {
            traceId = correlationId;
        }
        if (traceId == null || traceId.equals("00000000000000000000000000000000")) {
            return null;
        }
        StringBuilder sb = new StringBuilder(55).append("00-").append(traceId).append('-');
        long spanId = random.nextLong() | 1L; // never all zeros
        for (int shift = 60; shift >= 0; shift -= 4) {
            sb.append(HEX[(int) (spanId >>> shift) & 0xf]);
        }
        return sb.append('-').append(flags).toString();
    }

    private static boolean isHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }
}
