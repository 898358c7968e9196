package dev.upstreamguard.core.classify;

/**
 * Formats an RFC 9209 {@code Proxy-Status} header member in RFC 8941 structured-field syntax.
 *
 * <p>Example: {@code upstream-guard; error=connection_refused; details="3 attempts"}. Strings are quoted and
 * escaped; characters outside printable ASCII are replaced by {@code ?} because RFC 8941 sf-strings cannot hold
 * them.
 */
public final class ProxyStatus {
    /** The proxy name used when none is configured. */
    public static final String DEFAULT_PROXY_NAME = "upstream-guard";

    private ProxyStatus() {
    }

    /**
     * Formats one Proxy-Status member.
     *
     * @param proxyName      an RFC 8941 token naming this intermediary, e.g. {@code upstream-guard}
     * @param errorType      the error type, or {@code null} when the upstream answered
     * @param receivedStatus the upstream's status, or {@code 0} when none was received
     * @param details        a safe human-readable detail, or {@code null}
     * @return the header value
     */
    public static String format(String proxyName, String errorType, int receivedStatus, String details) {
        StringBuilder out = new StringBuilder(64).append(requireToken(proxyName));
        if (errorType != null) {
            out.append("; error=").append(requireToken(errorType));
        }
        if (receivedStatus > 0) {
            out.append("; received-status=").append(receivedStatus);
        }
        if (details != null && !details.isEmpty()) {
            out.append("; details=");
            appendSfString(out, details);
        }
        return out.toString();
    }

    /** Appends {@code value} as an RFC 8941 sf-string: quoted, with {@code "} and {@code \} escaped. */
    static void appendSfString(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c >= 0x20 && c <= 0x7e) {
                out.append(c);
            } else {
                out.append('?');
            }
        }
        out.append('"');
    }

    private static String requireToken(String token) {
        if (token == null || token.isEmpty() || !isTokenStart(token.charAt(0))) {
            throw new IllegalArgumentException("Proxy-Status name must be an RFC 8941 token, but was: " + token);
        }
        for (int i = 1; i < token.length(); i++) {
            if (!isTokenChar(token.charAt(i))) {
                throw new IllegalArgumentException("Proxy-Status name must be an RFC 8941 token, but was: " + token);
            }
        }
        return token;
    }

    private static boolean isTokenStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '*';
    }

    private static boolean isTokenChar(char c) {
        return c > 0x20 && c < 0x7f && "(),;<=>?@[\\]{}\"/".indexOf(c) < 0 || c == '/' || c == ':';
    }
}
