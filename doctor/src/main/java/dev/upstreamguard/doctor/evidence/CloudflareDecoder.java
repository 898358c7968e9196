package dev.upstreamguard.doctor.evidence;

import static dev.upstreamguard.doctor.evidence.Facts.failed;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.doctor.Hop;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cloudflare's own 520-526 statuses: alone ({@code 522}), or as {@code Error 522}, {@code error code: 522},
 * {@code HTTP 522} or with the word Cloudflare. The hop at fault is the origin: the first hop behind Cloudflare.
 */
final class CloudflareDecoder implements Decoder {
    private static final String SOURCE = "cloudflare";
    private static final Pattern CODE = Pattern.compile(
            "(?i)^(?:(?:cloudflare\\s+)?(?:error(?:\\s+code)?|http)?[\\s:]*)?(52[0-6])\\b.*$|.*\\bcloudflare\\b.*\\b(52[0-6])\\b.*");

    @Override
    public Explanation decode(String line) {
        if (line.length() > 400) {
            return null;
        }
        Matcher m = CODE.matcher(line);
        if (!m.matches()) {
            return null;
        }
        String code = m.group(1) != null ? m.group(1) : m.group(2);
        String ev = "Cloudflare " + code;
        Hop origin = Hop.REVERSE_PROXY;
        return switch (code) {
            case "520" -> failed(SOURCE, ev, FailureKind.CONNECTION_TERMINATED, 520, origin,
                    "The origin returned an empty, unknown or unexpected response, or reset the connection "
                            + "(often after the origin closed an idle keep-alive connection Cloudflare reused).",
                    "Check the origin's error log at that time; keep the origin's idle keep-alive above Cloudflare's "
                            + "proxy idle timeout (900 s), and keep response headers under 128 KB.");
            case "521" -> failed(SOURCE, ev, FailureKind.CONNECTION_REFUSED, 521, origin,
                    "The origin refused Cloudflare's connection: the web server is down or blocks Cloudflare's "
                            + "addresses.",
                    "Start the origin web server and allow Cloudflare's IP ranges in its firewall.");
            case "522" -> failed(SOURCE, ev, FailureKind.CONNECTION_TIMEOUT, 522, origin,
                    "The TCP connection to the origin timed out (or the origin never answered the request on "
                            + "an open connection).",
                    "Check that the origin is reachable from Cloudflare's ranges (firewall drops), and that it "
                            + "is not overloaded.");
            case "523" -> failed(SOURCE, ev, FailureKind.DESTINATION_IP_UNROUTABLE, 523, origin,
                    "Cloudflare could not reach the origin: its DNS record or route is wrong.",
                    "Check the origin's DNS record (A/AAAA/CNAME) in the Cloudflare dashboard.");
            case "524" -> failed(SOURCE, ev, FailureKind.HTTP_RESPONSE_TIMEOUT, 524, origin,
                    "The origin accepted the connection but sent no response within Cloudflare's 100 s.",
                    "Make the application answer (or fail) within 100 s minus a margin: its request deadline "
                            + "must be shorter; move long work to a background job.");
            case "525" -> failed(SOURCE, ev, FailureKind.TLS_PROTOCOL_ERROR, 525, origin,
                    "The TLS handshake between Cloudflare and the origin failed.",
                    "Check that the origin serves TLS on 443 with a protocol and cipher Cloudflare supports, and "
                            + "answers SNI for the host name.");
            default -> failed(SOURCE, ev, FailureKind.TLS_CERTIFICATE_ERROR, 526, origin,
                    "The origin's certificate is not valid (Full (strict) mode): expired, self-signed or for "
                            + "another name.",
                    "Install a valid certificate on the origin (a Cloudflare Origin CA certificate works).");
        };
    }
}
