package dev.upstreamguard.doctor.evidence;

import static dev.upstreamguard.doctor.evidence.Facts.degraded;
import static dev.upstreamguard.doctor.evidence.Facts.failed;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.doctor.Hop;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HAProxy termination states ("Session state at disconnection" in HAProxy's configuration manual): the first
 * character is the event that ended the session (C client, S server, P proxy, R resource, I internal, D/U/K
 * killed, c/s client/server timeout, L local), the second the phase (R request, Q queue, C connect, H headers,
 * D data, L last data, T tarpit). Accepted alone ({@code SH--}, {@code sC}) or inside a log line, where the state
 * is the token before the {@code actconn/feconn/beconn/srv_conn/retries} counters.
 */
final class HaproxyDecoder implements Decoder {
    private static final String SOURCE = "haproxy";
    private static final String STATE = "[CSPLRIDUKcs-][RQCHDLT-]";
    private static final Pattern ALONE = Pattern.compile("(" + STATE + ")([NIDVEOU-][NIUPRD-])?");
    private static final Pattern IN_LOG = Pattern.compile(
            "(?:^| )(" + STATE + ")(?:[NIDVEOU-][NIUPRD-])? \\d{1,9}/\\d{1,9}/\\d{1,9}/\\d{1,9}/\\+?\\d{1,9}(?: |$)");

    private static final Pattern STATUS = Pattern.compile(
            " -?\\d{1,9}/-?\\d{1,9}/-?\\d{1,9}/-?\\d{1,9}/\\+?-?\\d{1,9} (\\d{3}) ");

    @Override
    public Explanation decode(String line) {
        String state;
        if (ALONE.matcher(line).matches()) {
            state = line.substring(0, 2);
        } else {
            Matcher m = IN_LOG.matcher(line);
            if (!m.find()) {
                return null;
            }
            state = m.group(1);
        }
        Explanation e = explain(state, line.contains("<NOSRV>"));
        Matcher status = STATUS.matcher(line);
        if (e != null && status.find()) {
            // The status the log line records wins over the usual one (SD-- often logs the 200 already sent).
            e = new Explanation(e.source(), e.evidence(), e.verdict(), e.hop(), e.kind(), e.errorType(),
                    Integer.parseInt(status.group(1)), e.cause(), e.fix());
        }
        return e;
    }

    static Explanation explain(String state, boolean noServer) {
        char event = state.charAt(0);
        char phase = state.charAt(1);
        String ev = "termination state " + state;
        if (noServer && (event == 'S' || event == 's')) {
            return failed(SOURCE, ev + " with <NOSRV>", "destination_unavailable", 503, Hop.REVERSE_PROXY,
                    "HAProxy had no usable server in the backend (all down, or none configured).",
                    "Check the backend's health checks and servers (show servers state); fix the server that "
                            + "fails its check.");
        }
        return switch (event) {
            case '-' -> phase == '-' ? Facts.ok(SOURCE, ev, "Normal termination.") : null;
            case 'S' -> server(ev, phase);
            case 's' -> serverTimeout(ev, phase);
            case 'C' -> degraded(SOURCE, ev, Hop.CLIENT, 0, "The client aborted " + phaseWords(phase) + ".",
                    phase == 'H' ? "Often a visitor giving up on a slow response: check the server's response "
                            + "time (Tr) in the same line." : "Nothing to fix on the servers.");
            case 'c' -> degraded(SOURCE, ev, Hop.CLIENT, phase == 'R' ? 408 : 0,
                    "The client-side timeout expired " + phaseWords(phase)
                            + (phase == 'R' ? " (timeout http-request)." : " (timeout client)."),
                    phase == 'D' ? "Normal for clients that vanish; if long downloads or streams are cut, raise "
                            + "timeout client (or timeout tunnel for WebSockets)."
                            : "Usually a slow or idle client; raise the timeout only if real clients hit it.");
            case 'P' -> proxy(ev, phase);
            case 'R' -> failed(SOURCE, ev, FailureKind.CONNECTION_LIMIT_REACHED, 503, Hop.REVERSE_PROXY,
                    "A resource of the HAProxy host ran out (memory, sockets, source ports) "
                            + phaseWords(phase) + ".",
                    "Read the system log of the HAProxy host for the exact error; raise ulimit-n / maxconn, or "
                            + "reuse server connections (http-reuse).");
            case 'I' -> failed(SOURCE, ev, "proxy_internal_error", 500, Hop.REVERSE_PROXY,
                    "HAProxy detected an internal error.",
                    "Report it to HAProxy with the log line, and consider restarting the process.");
            case 'D' -> failed(SOURCE, ev, "destination_unavailable", 503, Hop.WEB_APPLICATION,
                    "HAProxy killed the session because the server was detected down (on-marked-down "
                            + "shutdown-sessions).",
                    "Find why the server failed its health check at that time.");
            case 'U', 'K' -> degraded(SOURCE, ev, Hop.REVERSE_PROXY, 0,
                    event == 'K' ? "An administrator killed the session." : "HAProxy killed the session on a "
                            + "backup server because an active server came back (on-marked-up).",
                    "Nothing to fix if this was intended.");
            case 'L' -> Facts.ok(SOURCE, ev, "HAProxy answered locally (a redirect, the stats page, a return).");
            default -> null;
        };
    }

    private static Explanation server(String ev, char phase) {
        return switch (phase) {
            case 'C' -> failed(SOURCE, ev, FailureKind.CONNECTION_REFUSED, 503, Hop.WEB_APPLICATION,
                    "The server (or something in front of it) refused the TCP connection: a reset or an ICMP "
                            + "error came back.",
                    "Start the server or fix its address and port in the backend; from the HAProxy host, curl the "
                            + "server to confirm.");
            case 'H' -> failed(SOURCE, ev, FailureKind.CONNECTION_TERMINATED, 502, Hop.WEB_APPLICATION,
                    "The server closed or reset the connection before sending complete response headers: a crash "
                            + "on this request, or an idle connection it closed just as HAProxy reused it.",
                    "If it is intermittent, make the server's idle keep-alive longer than HAProxy's (timeout "
                            + "http-keep-alive / timeout server) plus a margin, and add retry-on conn-failure "
                            + "empty-response for idempotent requests; else read the server's log for the request.");
            case 'D' -> failed(SOURCE, ev, FailureKind.HTTP_RESPONSE_INCOMPLETE, 502, Hop.WEB_APPLICATION,
                    "The connection to the server died with an error (a reset) during the body: the client got a "
                            + "truncated response.",
                    "Read the server's log for a failure while writing the body; check devices in between.");
            case 'Q', 'R' -> failed(SOURCE, ev, "destination_unavailable", 503, Hop.WEB_APPLICATION,
                    "The server aborted the session " + phaseWords(phase) + ".",
                    "Read the server's log at that time.");
            default -> failed(SOURCE, ev, FailureKind.CONNECTION_TERMINATED, 502, Hop.WEB_APPLICATION,
                    "The server aborted the session " + phaseWords(phase) + ".",
                    "Read the server's log at that time.");
        };
    }

    private static Explanation serverTimeout(String ev, char phase) {
        return switch (phase) {
            case 'C' -> failed(SOURCE, ev, FailureKind.CONNECTION_TIMEOUT, 503, Hop.WEB_APPLICATION,
                    "The TCP connection to the server did not complete within timeout connect.",
                    "Check that the server host is up and not dropping SYNs (a full accept queue, a firewall); "
                            + "keep timeout connect short (a few seconds) and let retries pick another server.");
            case 'H' -> failed(SOURCE, ev, FailureKind.HTTP_RESPONSE_TIMEOUT, 504, Hop.WEB_APPLICATION,
                    "The server did not send its response headers within timeout server.",
                    "Make the application answer (or fail) before HAProxy gives up: its request deadline must be "
                            + "below timeout server minus a margin; raise timeout server only for expected slow "
                            + "answers.");
            case 'D' -> failed(SOURCE, ev, FailureKind.HTTP_RESPONSE_TIMEOUT, 502, Hop.WEB_APPLICATION,
                    "The server sent nothing for timeout server during the body: the client got a truncated "
                            + "response.",
                    "Find the stall in the server's body writing, or raise timeout server for slow streams.");
            case 'Q' -> failed(SOURCE, ev, FailureKind.CONNECTION_LIMIT_REACHED, 503, Hop.REVERSE_PROXY,
                    "The request waited in HAProxy's queue longer than timeout queue: every server was at its "
                            + "maxconn.",
                    "Add capacity or raise the servers' maxconn if they can take it; look at what makes the "
                            + "servers slow.");
            default -> failed(SOURCE, ev, FailureKind.HTTP_RESPONSE_TIMEOUT, 504, Hop.WEB_APPLICATION,
                    "The server-side timeout expired " + phaseWords(phase) + ".", "Check timeout server.");
        };
    }

    private static Explanation proxy(String ev, char phase) {
        return switch (phase) {
            case 'H' -> failed(SOURCE, ev, FailureKind.HTTP_PROTOCOL_ERROR, 502, Hop.WEB_APPLICATION,
                    "HAProxy blocked the server's response: invalid (for example a bad header name), incomplete "
                            + "or dangerous; a 500 instead means a header rewrite failed.",
                    "Fix the server's response headers (show errors on the HAProxy runtime API shows the "
                            + "exact offending bytes); for a 500, raise tune.maxrewrite.");
            case 'D' -> failed(SOURCE, ev, FailureKind.HTTP_RESPONSE_TRANSFER_CODING, 502, Hop.WEB_APPLICATION,
                    "HAProxy blocked a malformed chunked body after the headers were sent.",
                    "Fix the server's chunked encoding (show errors shows the bytes).");
            case 'C' -> failed(SOURCE, ev, FailureKind.CONNECTION_LIMIT_REACHED, 503, Hop.REVERSE_PROXY,
                    "HAProxy hit its process socket limit while connecting to the server.",
                    "Raise the global maxconn / ulimit-n, or reuse server connections (http-reuse).");
            case 'R' -> degraded(SOURCE, ev, Hop.REVERSE_PROXY, 0,
                    "HAProxy blocked the client's request (a deny rule or an invalid request).",
                    "Nothing to fix upstream; check the frontend's rules if the request was legitimate.");
            default -> degraded(SOURCE, ev, Hop.REVERSE_PROXY, 0,
                    "HAProxy aborted the session " + phaseWords(phase) + " (a limit or a rule).",
                    "Check the proxy's limits and rules.");
        };
    }

    private static String phaseWords(char phase) {
        return switch (phase) {
            case 'R' -> "before the request was complete";
            case 'Q' -> "while queued for a server slot";
            case 'C' -> "while connecting to the server";
            case 'H' -> "while waiting for the response headers";
            case 'D' -> "during the data transfer";
            case 'L' -> "while sending the last data";
            case 'T' -> "while tarpitted";
            default -> "after the transfer";
        };
    }
}
