package dev.upstreamguard.doctor.evidence;

import static dev.upstreamguard.doctor.evidence.Facts.degraded;
import static dev.upstreamguard.doctor.evidence.Facts.failed;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.doctor.Hop;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Google Cloud Application Load Balancer {@code jsonPayload.statusDetails} values, given as
 * {@code statusDetails: "..."} (any of {@code = : "}) or alone.
 */
final class GcpDecoder implements Decoder {
    private static final String SOURCE = "gcp-lb";
    private static final Pattern KEYED = Pattern.compile("\"?statusDetails\"?\\s*[=:]\\s*\"?([a-z0-9_]{1,80})");
    private static final Pattern ALONE = Pattern.compile("[a-z]+(?:_[a-z0-9]+){2,12}");

    @Override
    public Explanation decode(String line) {
        Matcher m = KEYED.matcher(line);
        String value;
        boolean keyed = m.find();
        if (keyed) {
            value = m.group(1);
        } else if (ALONE.matcher(line).matches()) {
            value = line;
        } else {
            return null;
        }
        String ev = "statusDetails " + value;
        return switch (value) {
            case "backend_connection_closed_before_data_sent_to_client" -> failed(SOURCE, ev,
                    FailureKind.CONNECTION_TERMINATED, 502, Hop.WEB_APPLICATION,
                    "The backend closed the connection before sending a response: usually an idle keep-alive "
                            + "connection it closed while the load balancer (which keeps them 600 s) reused it.",
                    "Set the backend's keep-alive above 600 s (Google suggests 620 s), e.g. "
                            + "server.tomcat.keep-alive-timeout=620s or nginx keepalive_timeout 620s.");
            case "backend_connection_closed_after_partial_response_sent" -> failed(SOURCE, ev,
                    FailureKind.HTTP_RESPONSE_INCOMPLETE, 502, Hop.WEB_APPLICATION,
                    "The backend closed the connection in the middle of its response.",
                    "Read the backend's log for a failure while writing the body.");
            case "backend_timeout" -> failed(SOURCE, ev, FailureKind.HTTP_RESPONSE_TIMEOUT, 502,
                    Hop.WEB_APPLICATION,
                    "The backend did not answer within the backend service timeout (30 s unless set).",
                    "Make the application answer (or fail) before the backend service timeout: its request "
                            + "deadline below timeoutSec minus a margin; raise timeoutSec only for expected slow "
                            + "answers.");
            case "failed_to_connect_to_backend" -> failed(SOURCE, ev, FailureKind.CONNECTION_REFUSED, 502,
                    Hop.WEB_APPLICATION, "The load balancer could not connect to the backend.",
                    "Check that the backend listens on the named port and that firewall rules allow the load "
                            + "balancer's ranges (35.191.0.0/16, 130.211.0.0/22).");
            case "failed_to_pick_backend" -> failed(SOURCE, ev, "destination_unavailable", 502,
                    Hop.LOAD_BALANCER, "The load balancer found no healthy backend to send the request to.",
                    "Make the backends pass their health check, and check the backend service's capacity.");
            case "response_sent_by_backend" -> Facts.ok(SOURCE, ev,
                    "The backend's own response was passed on (if it was a 5xx, the backend produced it).");
            case "client_disconnected_before_any_response" -> degraded(SOURCE, ev, Hop.CLIENT, 0,
                    "The client disconnected before the load balancer could answer.",
                    "If the backend is slow, clients give up: check the backend's latency.");
            case "client_timed_out" -> degraded(SOURCE, ev, Hop.CLIENT, 408,
                    "The client was idle too long (request or keep-alive).", "Nothing to fix upstream.");
            default -> keyed ? Facts.unknownValue(SOURCE, ev, "statusDetails value") : null;
        };
    }
}
