package dev.upstreamguard.doctor.evidence;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.doctor.Hop;
import dev.upstreamguard.doctor.Verdict;
import java.util.regex.Pattern;

/**
 * A {@code Proxy-Status} header value (RFC 9209), as this library writes it: {@code upstream-guard;
 * error=connection_refused; details="..."}, with {@code received-status=503} when the upstream answered. Accepts
 * the header name in front ({@code Proxy-Status: ...}) and values written by other intermediaries too.
 */
final class ProxyStatusDecoder implements Decoder {
    private static final String SOURCE = "proxy-status";
    private static final Pattern PROXY = Pattern.compile("[A-Za-z0-9*][A-Za-z0-9_.:/%*!#$&'+^`|~-]{0,60}");
    private static final Pattern KEY = Pattern.compile("[a-z*][a-z0-9_.*-]{0,40}");
    private static final int MAX_PARAMS = 16;

    @Override
    public Explanation decode(String line) {
        String value = line;
        if (value.regionMatches(true, 0, "proxy-status:", 0, 13)) {
            value = value.substring(13).strip();
        }
        int semi = value.indexOf(';');
        if (semi <= 0) {
            return null;
        }
        String proxy = value.substring(0, semi).strip();
        if (!PROXY.matcher(proxy).matches()) {
            return null;
        }
        String error = null;
        String details = null;
        String received = null;
        int i = semi;
        for (int n = 0; n < MAX_PARAMS && i < value.length() && value.charAt(i) == ';'; n++) {
            int eq = i + 1;
            while (eq < value.length() && value.charAt(eq) != '=' && value.charAt(eq) != ';'
                    && value.charAt(eq) != ',') {
                eq++;
            }
            String key = value.substring(i + 1, eq).strip().toLowerCase(java.util.Locale.ROOT);
            if (!KEY.matcher(key).matches()) {
                return null;
            }
            String v = "";
            int next = eq;
            if (eq < value.length() && value.charAt(eq) == '=') {
                int start = eq + 1;
                while (start < value.length() && value.charAt(start) == ' ') {
                    start++;
                }
                if (start < value.length() && value.charAt(start) == '"') {
                    StringBuilder b = new StringBuilder();
                    int j = start + 1;
                    while (j < value.length() && value.charAt(j) != '"') {
                        if (value.charAt(j) == '\\' && j + 1 < value.length()) {
                            j++;
                        }
                        b.append(value.charAt(j));
                        j++;
                    }
                    v = b.toString();
                    next = Math.min(j + 1, value.length());
                } else {
                    int j = start;
                    while (j < value.length() && value.charAt(j) != ';' && value.charAt(j) != ',') {
                        j++;
                    }
                    v = value.substring(start, j).strip();
                    next = j;
                }
            }
            while (next < value.length() && value.charAt(next) == ' ') {
                next++;
            }
            switch (key) {
                case "error" -> error = v;
                case "details" -> details = v;
                case "received-status" -> received = v;
                default -> { }
            }
            i = next;
        }
        if (error == null && received == null) {
            return null;
        }
        String ev = Text.quote(proxy + (error == null ? "" : "; error=" + error)
                + (received == null ? "" : "; received-status=" + received));
        String said = details == null ? "" : " Details: " + Text.quote(details) + ".";
        boolean ours = proxy.equalsIgnoreCase("upstream-guard");
        if (error == null) {
            return new Explanation(SOURCE, ev, Verdict.FAILED, Hop.UPSTREAM, FailureKind.UPSTREAM_STATUS, null,
                    parseStatus(received), "The upstream answered " + received + " and " + proxy
                    + " passed the failure on." + said,
                    "Read the upstream's own log for this request (the correlation ID is in the response).");
        }
        FailureKind kind = kindOf(error);
        Hop hop = ours ? hopOf(kind) : Hop.UPSTREAM;
        String cause = (kind == null ? "The intermediary " + proxy + " reports " + error + "."
                : "The call to the upstream failed: " + describe(kind) + ".") + said;
        return new Explanation(SOURCE, ev, Verdict.FAILED, hop, kind, error,
                kind == null ? 0 : kind.defaultStatus(), cause, fixOf(kind));
    }

    private static FailureKind kindOf(String errorType) {
        for (FailureKind k : FailureKind.values()) {
            if (errorType.equals(k.errorType())) {
                return k; // the first kind of a shared error type is the general one
            }
        }
        return null;
    }

    private static Hop hopOf(FailureKind kind) {
        if (kind == null) {
            return Hop.UPSTREAM;
        }
        return switch (kind) {
            case CIRCUIT_OPEN, CONNECTION_LIMIT_REACHED, CONFIGURATION_ERROR, INTERNAL_ERROR -> Hop.CLIENT_POOL;
            default -> Hop.UPSTREAM;
        };
    }

    private static String describe(FailureKind kind) {
        return switch (kind) {
            case DNS_ERROR -> "its host name did not resolve";
            case CONNECTION_TIMEOUT -> "the TCP connection was not established in time";
            case CONNECTION_REFUSED -> "the upstream refused the connection";
            case DESTINATION_IP_UNROUTABLE -> "there is no route to the upstream";
            case CONNECTION_TERMINATED -> "the upstream closed or reset the connection before answering";
            case HTTP_RESPONSE_TIMEOUT -> "no response within the attempt timeout or the request deadline";
            case HTTP_RESPONSE_INCOMPLETE -> "the response body ended early";
            case HTTP_RESPONSE_TRANSFER_CODING -> "the chunked encoding was broken";
            case HTTP_RESPONSE_CONTENT_CODING -> "the content coding could not be decoded";
            case HTTP_RESPONSE_HEADER_SECTION_SIZE, HTTP_RESPONSE_HEADER_SIZE -> "the response headers were too large";
            case HTTP_RESPONSE_BODY_SIZE -> "the response body was over the limit";
            case HTTP_PROTOCOL_ERROR -> "the response was not valid HTTP or failed validation";
            case TLS_ALERT_RECEIVED -> "the upstream sent a TLS alert";
            case TLS_CERTIFICATE_ERROR -> "the upstream's certificate was rejected";
            case TLS_PROTOCOL_ERROR -> "the TLS handshake failed";
            case CIRCUIT_OPEN -> "the circuit breaker is open, so the call was not attempted";
            case CONNECTION_LIMIT_REACHED -> "the concurrency limit or the connection pool was exhausted";
            case CONFIGURATION_ERROR -> "the upstream is configured wrongly";
            default -> kind.errorType().replace('_', ' ');
        };
    }

    private static String fixOf(FailureKind kind) {
        if (kind == null) {
            return "Look the error type up in RFC 9209 and the intermediary's documentation.";
        }
        return switch (kind) {
            case CONNECTION_TERMINATED -> "If intermittent, keep the pool's idle timeout below the upstream's "
                    + "keep-alive minus a margin (upstream-guard.upstreams.<name>.keep-alive); else read the "
                    + "upstream's log.";
            case HTTP_RESPONSE_TIMEOUT -> "Compare the upstream's latency with attempt-timeout and the request "
                    + "deadline; run the doctor's probe against the upstream from this host.";
            case CIRCUIT_OPEN -> "The breaker opened after earlier failures: find them in the metrics and logs; "
                    + "it half-opens after its wait time.";
            case CONNECTION_LIMIT_REACHED -> "Raise max-concurrent-calls if the upstream can take it, or find "
                    + "what makes calls slow.";
            case CONFIGURATION_ERROR -> "Fix the upstream's configuration (base-uri).";
            default -> "Run the doctor's probe against the upstream from the application's host.";
        };
    }

    private static int parseStatus(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
