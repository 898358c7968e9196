package dev.upstreamguard.doctor.evidence;

import static dev.upstreamguard.doctor.evidence.Facts.degraded;
import static dev.upstreamguard.doctor.evidence.Facts.failed;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.doctor.Hop;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Envoy's {@code %RESPONSE_FLAGS%}: alone ({@code UF}, {@code UF,URX}), as {@code response_flags=UF}, or in
 * Envoy's default access-log format, where they follow the status ({@code "GET / HTTP/1.1" 503 UF ...}). The error
 * types are Envoy's own RFC 9209 mapping. A bare two-letter token that is both an Envoy flag and an HAProxy
 * termination state (UH, UC, UR, UT, LR, DC) is read as Envoy; HAProxy's four-letter form ({@code UC--}) is not.
 */
final class EnvoyDecoder implements Decoder {
    private static final String SOURCE = "envoy";
    private static final String FLAG = "[A-Z]{2,5}";
    private static final Pattern FLAGS = Pattern.compile(FLAG + "(?:," + FLAG + "){0,8}");
    private static final Pattern KEYED = Pattern.compile(
            "\"?response_flags\"?\\s*[=:]\\s*\"?(" + FLAG + "(?:," + FLAG + "){0,8})");
    private static final Pattern DEFAULT_FORMAT = Pattern.compile(
            "HTTP/\\d(?:\\.\\d)?\" \\d{3} (" + FLAG + "(?:," + FLAG + "){0,8}) ");

    private record Flag(String name, String errorType, FailureKind kind, int status, Hop hop, String cause,
            String fix, boolean client) {
    }

    private static final Map<String, Flag> KNOWN = Map.ofEntries(
            entry("UF", "connection_refused", FailureKind.CONNECTION_REFUSED, 503, Hop.WEB_APPLICATION,
                    "Envoy could not connect to the upstream (refused, timed out or reset while connecting).",
                    "Check that the upstream listens on the cluster's address; from the Envoy host, curl it; "
                            + "look at upstream_cx_connect_fail and upstream_cx_connect_timeout of the cluster."),
            entry("UT", "http_response_timeout", FailureKind.HTTP_RESPONSE_TIMEOUT, 504, Hop.WEB_APPLICATION,
                    "The upstream did not answer within the route's timeout (15s unless set).",
                    "Make the upstream answer (or fail) before the route timeout: its request deadline below the "
                            + "route timeout minus a margin; raise the route timeout only for expected slow "
                            + "answers."),
            entry("UC", "connection_terminated", FailureKind.CONNECTION_TERMINATED, 503, Hop.WEB_APPLICATION,
                    "The upstream closed the connection: often an idle keep-alive connection closed by the "
                            + "upstream just as Envoy reused it.",
                    "Set the cluster's idle_timeout (common_http_protocol_options) below the upstream's idle "
                            + "keep-alive minus a margin, and retry_on reset for idempotent routes."),
            entry("UR", "connection_terminated", FailureKind.CONNECTION_TERMINATED, 503, Hop.WEB_APPLICATION,
                    "The upstream reset the connection or stream.",
                    "Read the upstream's log at that time; for intermittent resets on reused connections set the "
                            + "cluster's idle_timeout below the upstream's keep-alive."),
            entry("UH", "destination_unavailable", null, 503, Hop.WEB_APPLICATION,
                    "No healthy upstream host in the cluster.",
                    "Check the cluster's health checks and endpoints; fix the host that fails them."),
            entry("URX", "destination_unavailable", null, 503, Hop.WEB_APPLICATION,
                    "The request was rejected after the upstream retry limit (or max connect attempts) was "
                            + "reached.",
                    "Look at the failures that caused the retries (the other flags, upstream_rq_retry stats)."),
            entry("UO", "connection_limit_reached", FailureKind.CONNECTION_LIMIT_REACHED, 503, Hop.REVERSE_PROXY,
                    "Envoy's circuit breaker for the cluster overflowed (max connections, pending or requests).",
                    "Raise the cluster's circuit_breakers thresholds if the upstream can take it, or find what "
                            + "makes it slow."),
            entry("LR", "connection_timeout", FailureKind.CONNECTION_TIMEOUT, 503, Hop.REVERSE_PROXY,
                    "Envoy reset the connection locally.",
                    "Look at the cluster's connect_timeout and Envoy's log for the local reset reason."),
            entry("UPE", "http_protocol_error", FailureKind.HTTP_PROTOCOL_ERROR, 502, Hop.WEB_APPLICATION,
                    "The upstream's response was not valid HTTP.",
                    "Check the cluster's protocol (HTTP/1.1 vs HTTP/2, TLS or not) against the upstream's port."),
            entry("DF", "dns_error", FailureKind.DNS_ERROR, 503, Hop.REVERSE_PROXY,
                    "Envoy could not resolve the upstream's name (dynamic forward proxy).",
                    "Check the name and Envoy's DNS resolver configuration."),
            entry("NR", "destination_not_found", null, 404, Hop.REVERSE_PROXY,
                    "No route matched the request (or no cluster for it).",
                    "Check the route configuration for this host and path."),
            entry("NC", "destination_unavailable", null, 503, Hop.REVERSE_PROXY,
                    "The route's upstream cluster does not exist.",
                    "Check the cluster name in the route and the cluster configuration."),
            entry("SI", "http_response_timeout", FailureKind.HTTP_RESPONSE_TIMEOUT, 504, Hop.WEB_APPLICATION,
                    "The stream idle timeout expired.",
                    "Find why the stream stalled, or raise stream_idle_timeout."),
            entry("UMSDR", "http_response_timeout", FailureKind.HTTP_RESPONSE_TIMEOUT, 504, Hop.WEB_APPLICATION,
                    "The upstream request reached its max stream duration.",
                    "Raise max_stream_duration or make the upstream faster."),
            entry("LH", "destination_unavailable", null, 503, Hop.WEB_APPLICATION,
                    "The local service failed its health check.", "Find why the local health check fails."),
            entry("RL", "connection_limit_reached", null, 429, Hop.REVERSE_PROXY,
                    "The request was rate limited locally.", "Check the rate limit configuration."),
            client("DC", "The downstream (client) connection terminated."),
            client("DPE", "The downstream request had an HTTP protocol error."),
            client("DI", "The request was delayed by fault injection."),
            client("FI", "The request was aborted by fault injection."));

    private static Map.Entry<String, Flag> entry(String name, String errorType, FailureKind kind, int status,
            Hop hop, String cause, String fix) {
        return Map.entry(name, new Flag(name, errorType, kind, status, hop, cause, fix, false));
    }

    private static Map.Entry<String, Flag> client(String name, String cause) {
        return Map.entry(name, new Flag(name, null, null, 0, Hop.CLIENT, cause, "Nothing to fix upstream.", true));
    }

    @Override
    public Explanation decode(String line) {
        String flags = null;
        if (FLAGS.matcher(line).matches()) {
            flags = line;
        } else {
            Matcher m = KEYED.matcher(line);
            if (m.find()) {
                flags = m.group(1);
            } else {
                m = DEFAULT_FORMAT.matcher(line);
                if (m.find()) {
                    flags = m.group(1);
                }
            }
        }
        if (flags == null) {
            return null;
        }
        List<Flag> found = new ArrayList<>();
        for (String f : flags.split(",")) {
            Flag flag = KNOWN.get(f);
            if (flag == null) {
                if (FLAGS.matcher(line).matches() && flags.indexOf(',') < 0) {
                    return null; // a lone unknown word: not evidence we know
                }
                continue;
            }
            found.add(flag);
        }
        if (found.isEmpty()) {
            return Facts.unknownValue(SOURCE, "response flags " + flags, "Envoy response flag");
        }
        // The most telling flag first: a server-side failure beats a client one; URX says only that retries ran out.
        Flag main = found.stream().filter(f -> !f.client() && !f.name().equals("URX")).findFirst()
                .orElse(found.get(0));
        String evidence = "response flags " + flags;
        if (main.client()) {
            return degraded(SOURCE, evidence, Hop.CLIENT, 0, main.cause(), main.fix());
        }
        String cause = main.cause() + (found.size() > 1 && flags.contains("URX") && main != KNOWN.get("URX")
                ? " Retries ran out (URX)." : "");
        return main.kind() != null
                ? failed(SOURCE, evidence, main.kind(), main.status(), main.hop(), cause, main.fix())
                : failed(SOURCE, evidence, main.errorType(), main.status(), main.hop(), cause, main.fix());
    }
}
