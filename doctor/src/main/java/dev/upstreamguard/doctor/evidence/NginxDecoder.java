package dev.upstreamguard.doctor.evidence;

import static dev.upstreamguard.doctor.evidence.Facts.failed;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.doctor.Hop;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * nginx error-log lines about upstreams ({@code ngx_http_upstream} and friends). The phrase after the error
 * ("while connecting to upstream", "while reading response header from upstream"...) tells the phase; the
 * behind-nginx hop is the web application.
 */
final class NginxDecoder implements Decoder {
    private static final String SOURCE = "nginx";
    private static final Pattern SYSCALL = Pattern.compile(
            "(connect|recv|readv|send|writev|SSL_read|SSL_write)\\(\\)(?: to [^ ]{1,300})? failed \\((\\d{1,4}): "
                    + "([^)]{0,120})\\)");
    private static final Pattern WHILE = Pattern.compile(" while ([a-zA-Z ]{1,60}?)(?:,|$)");
    private static final Pattern TIMED_OUT = Pattern.compile("upstream timed out \\((\\d{1,4}): ([^)]{0,120})\\)");
    private static final Pattern VERIFY = Pattern.compile(
            "upstream SSL certificate verify error: \\((\\d{1,4}):([^)]{0,120})\\)");
    private static final String APP = "the application behind nginx";

    @Override
    public Explanation decode(String line) {
        String phase = phase(line);
        if (line.contains("no live upstreams")) {
            return failed(SOURCE, "no live upstreams", "destination_unavailable", 502, Hop.REVERSE_PROXY,
                    "nginx did not even try: every server of the upstream block is marked failed (max_fails "
                            + "within fail_timeout) or down.",
                    "Read the error lines just before this one for the real failure of each server; a single "
                            + "server with max_fails=1 (the default) is shut out for fail_timeout (10s) after one "
                            + "error, so consider max_fails=0 for a one-server upstream.");
        }
        Matcher m = TIMED_OUT.matcher(line);
        if (m.find()) {
            return timedOut(m.group(), phase);
        }
        m = VERIFY.matcher(line);
        if (m.find()) {
            return failed(SOURCE, m.group(), FailureKind.TLS_CERTIFICATE_ERROR, Hop.WEB_APPLICATION,
                    "nginx rejected the upstream's certificate (" + Text.quote(m.group(2).strip()) + ").",
                    "Renew or fix the upstream's certificate, or point proxy_ssl_trusted_certificate at the CA "
                            + "that issued it.");
        }
        if (line.contains("upstream SSL certificate does not match")) {
            return failed(SOURCE, "upstream SSL certificate does not match", FailureKind.TLS_CERTIFICATE_ERROR,
                    Hop.WEB_APPLICATION, "The upstream's certificate is not for the name nginx checked.",
                    "Set proxy_ssl_name (and proxy_ssl_server_name on) to the name on the certificate, or "
                            + "issue a certificate for the name in proxy_pass.");
        }
        if (line.contains("SSL_do_handshake() failed") || "SSL handshaking to upstream".equals(phase)) {
            return tls(line);
        }
        m = SYSCALL.matcher(line);
        if (m.find()) {
            return syscall(m, phase);
        }
        if (line.contains("upstream prematurely closed connection")) {
            return prematurelyClosed(phase);
        }
        if (line.contains("upstream sent too big header")) {
            return failed(SOURCE, "upstream sent too big header", FailureKind.HTTP_RESPONSE_HEADER_SECTION_SIZE,
                    Hop.WEB_APPLICATION, "The response headers did not fit in nginx's proxy_buffer_size.",
                    "Raise proxy_buffer_size (and proxy_buffers) above the largest header section, or make the "
                            + "application send fewer or smaller headers (large cookies are the usual cause).");
        }
        if (line.contains("upstream sent invalid chunked response")) {
            return failed(SOURCE, "upstream sent invalid chunked response",
                    FailureKind.HTTP_RESPONSE_TRANSFER_CODING, Hop.WEB_APPLICATION,
                    "The application's chunked body was malformed (a bad chunk size or a missing terminator).",
                    "Fix the application's response writing; check for code that writes its own "
                            + "Transfer-Encoding header or a body after a chunked response ended.");
        }
        if (line.contains("upstream sent more data than specified in \"Content-Length\" header")) {
            return failed(SOURCE, "upstream sent more data than specified in \"Content-Length\" header",
                    FailureKind.HTTP_PROTOCOL_ERROR, Hop.WEB_APPLICATION,
                    "The application sent a longer body than its Content-Length said.",
                    "Fix the Content-Length the application computes, or let the server frame the body.");
        }
        if (line.contains("upstream sent invalid header") || line.contains("upstream sent no valid HTTP")
                || line.contains("upstream sent invalid status")
                || line.contains("upstream sent duplicate header")) {
            return failed(SOURCE, "upstream sent invalid header", FailureKind.HTTP_PROTOCOL_ERROR,
                    Hop.WEB_APPLICATION, "The application's response was not valid HTTP.",
                    "Check that proxy_pass points at an HTTP port (not TLS, not another protocol), and fix the "
                            + "application's status line or headers.");
        }
        if (line.contains("could not be resolved")) {
            return failed(SOURCE, "could not be resolved", FailureKind.DNS_ERROR, Hop.REVERSE_PROXY,
                    "nginx's resolver could not resolve the upstream's name.",
                    "Check the name and the resolver directive; names in proxy_pass without a variable are "
                            + "resolved once at start, names with one need a resolver.");
        }
        return null;
    }

    private static String phase(String line) {
        Matcher m = WHILE.matcher(line);
        return m.find() ? m.group(1).strip() : "";
    }

    private static Explanation timedOut(String evidence, String phase) {
        return switch (phase) {
            case "connecting to upstream" -> failed(SOURCE, evidence + " while connecting to upstream",
                    FailureKind.CONNECTION_TIMEOUT, Hop.WEB_APPLICATION,
                    "The TCP connection to the application was not established within proxy_connect_timeout.",
                    "Check that the application host is up and its accept queue not full (a firewall that "
                            + "drops packets looks the same); keep proxy_connect_timeout short (1-5s).");
            case "SSL handshaking to upstream" -> failed(SOURCE, evidence + " while SSL handshaking to upstream",
                    FailureKind.CONNECTION_TIMEOUT, Hop.WEB_APPLICATION,
                    "TCP connected, but the TLS handshake with the application never completed.",
                    "Check that the upstream port really speaks TLS and that nothing in between swallows the "
                            + "handshake.");
            case "sending request to upstream" -> failed(SOURCE, evidence + " while sending request to upstream",
                    FailureKind.HTTP_RESPONSE_TIMEOUT, Hop.WEB_APPLICATION,
                    "The application stopped reading the request for longer than proxy_send_timeout.",
                    "Find why the application stalls reading (a full thread pool, a slow request body "
                            + "handler), or raise proxy_send_timeout for large uploads.");
            case "reading upstream" -> failed(SOURCE, evidence + " while reading upstream",
                    FailureKind.HTTP_RESPONSE_TIMEOUT, 502, Hop.WEB_APPLICATION,
                    "The application stopped sending its body for longer than proxy_read_timeout: the visitor "
                            + "got a truncated response.",
                    "Find the stall in the application's body writing, or raise proxy_read_timeout for slow "
                            + "streams.");
            default -> failed(SOURCE, evidence + (phase.isEmpty() ? "" : " while " + phase),
                    FailureKind.HTTP_RESPONSE_TIMEOUT, Hop.WEB_APPLICATION,
                    "The application did not send its response headers within proxy_read_timeout.",
                    "Make the application answer (or fail) before nginx gives up: its request deadline "
                            + "(upstream-guard.request-timeout) must be below proxy_read_timeout minus a margin; "
                            + "raise proxy_read_timeout only if slow answers are expected.");
        };
    }

    private static Explanation syscall(Matcher m, String phase) {
        String call = m.group(1);
        int errno = Integer.parseInt(m.group(2));
        String evidence = call + "() failed (" + errno + ": " + m.group(3) + ")"
                + (phase.isEmpty() ? "" : " while " + phase);
        if (call.equals("connect")) {
            return switch (errno) {
                case 111 -> failed(SOURCE, evidence, FailureKind.CONNECTION_REFUSED, Hop.WEB_APPLICATION,
                        "Nothing accepts connections on the upstream address: the application is down, "
                                + "restarting, or listens on another port or interface.",
                        "Start the application or fix the address in proxy_pass / the upstream block; from the "
                                + "nginx host, curl the address to confirm.");
                case 110 -> failed(SOURCE, evidence, FailureKind.CONNECTION_TIMEOUT, Hop.WEB_APPLICATION,
                        "The TCP connection to the application timed out in the kernel.",
                        "Check that the application host is reachable and not dropping SYNs (firewall, "
                                + "full accept queue).");
                case 113, 101 -> failed(SOURCE, evidence, FailureKind.DESTINATION_IP_UNROUTABLE,
                        Hop.WEB_APPLICATION, "There is no route from nginx to the upstream address.",
                        "Check the address in the upstream block and the network between the hosts.");
                case 99 -> failed(SOURCE, evidence, FailureKind.CONNECTION_LIMIT_REACHED, Hop.REVERSE_PROXY,
                        "nginx ran out of local ports to connect from (Cannot assign requested address).",
                        "Reuse upstream connections (upstream keepalive N; proxy_http_version 1.1; "
                                + "proxy_set_header Connection \"\"), or widen ip_local_port_range.");
                default -> failed(SOURCE, evidence, FailureKind.CONNECTION_REFUSED, Hop.WEB_APPLICATION,
                        "nginx could not connect to the application.",
                        "Check the application and the address in proxy_pass.");
            };
        }
        if (errno == 104 || errno == 32) {
            boolean headers = phase.contains("response header") || phase.contains("sending request");
            if (headers) {
                return failed(SOURCE, evidence, FailureKind.CONNECTION_TERMINATED, Hop.WEB_APPLICATION,
                        "The application reset the connection before answering: a crash, or an idle keep-alive "
                                + "connection the application closed just as nginx reused it.",
                        "Make the application's idle keep-alive longer than nginx's upstream keepalive_timeout "
                                + "(plus a margin), and check the application's log at that time.");
            }
            return failed(SOURCE, evidence, FailureKind.HTTP_RESPONSE_INCOMPLETE, Hop.WEB_APPLICATION,
                    "The application reset the connection in the middle of the response body.",
                    "Check the application's log for a failure while writing the body.");
        }
        return failed(SOURCE, evidence, FailureKind.CONNECTION_TERMINATED, Hop.WEB_APPLICATION,
                "A system call on the connection to the application failed.",
                "Check the application's log at that time.");
    }

    private static Explanation prematurelyClosed(String phase) {
        if (phase.equals("reading upstream")) {
            return failed(SOURCE, "upstream prematurely closed connection while reading upstream",
                    FailureKind.HTTP_RESPONSE_INCOMPLETE, Hop.WEB_APPLICATION,
                    "The application closed the connection before the body was complete: the visitor got a "
                            + "truncated response.",
                    "Check the application's log for a failure while writing the body, and any limit that cuts "
                            + "long responses.");
        }
        return failed(SOURCE, "upstream prematurely closed connection"
                        + (phase.isEmpty() ? "" : " while " + phase), FailureKind.CONNECTION_TERMINATED,
                Hop.WEB_APPLICATION,
                "The application closed the connection without sending response headers: it crashed on the "
                        + "request, or closed an idle keep-alive connection just as nginx reused it.",
                "If it is intermittent, make the application's idle keep-alive longer than nginx's upstream "
                        + "keepalive_timeout plus a margin; otherwise check the application's log for that "
                        + "request.");
    }

    private static Explanation tls(String line) {
        String lower = line.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("wrong version number") || lower.contains("packet length too long")
                || lower.contains("record layer failure")) {
            return failed(SOURCE, "SSL handshake failed: wrong version number", FailureKind.TLS_PROTOCOL_ERROR,
                    Hop.WEB_APPLICATION, "The upstream did not answer with TLS: it probably speaks plain HTTP.",
                    "Use http:// in proxy_pass for a plain-HTTP upstream, or enable TLS on the upstream port.");
        }
        if (lower.contains("alert")) {
            return failed(SOURCE, "SSL handshake failed: alert received", FailureKind.TLS_ALERT_RECEIVED,
                    Hop.WEB_APPLICATION, "The upstream ended the TLS handshake with an alert.",
                    "Compare the protocols, ciphers and SNI name nginx offers (proxy_ssl_protocols, "
                            + "proxy_ssl_server_name on) with what the upstream accepts.");
        }
        return failed(SOURCE, "SSL handshake with upstream failed", FailureKind.TLS_PROTOCOL_ERROR,
                Hop.WEB_APPLICATION, "The TLS handshake between nginx and the upstream failed.",
                "Compare nginx's proxy_ssl_* settings with the upstream's TLS configuration.");
    }
}
