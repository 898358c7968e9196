package dev.upstreamguard.doctor.evidence;

import static dev.upstreamguard.doctor.evidence.Facts.degraded;
import static dev.upstreamguard.doctor.evidence.Facts.failed;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.doctor.Hop;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AWS Application Load Balancer access-log entries (space-separated, quoted fields: type, time, elb, client:port,
 * target:port, request/target/response processing times, elb_status_code, target_status_code, ... and
 * {@code "error_reason"} as the 25th field), or the fields given as {@code elb_status_code=502
 * target_status_code=- error_reason=...}. The telling pair: the load balancer's status with a target status of
 * {@code -} means the target never answered.
 */
final class AlbDecoder implements Decoder {
    private static final String SOURCE = "aws-alb";
    private static final Pattern TYPE = Pattern.compile("(?:http|https|h2|grpcs|ws|wss)");
    private static final Pattern TIME = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z");
    private static final Pattern KEY = Pattern.compile(
            "(elb_status_code|target_status_code|error_reason|target_processing_time)\\s*[=:]\\s*\"?([^\" ,]{0,80})");
    private static final int ELB_STATUS = 8;
    private static final int TARGET_STATUS = 9;
    private static final int ERROR_REASON = 24;

    @Override
    public Explanation decode(String line) {
        String elb = null;
        String target = null;
        String reason = null;
        List<String> fields = fields(line);
        if (fields.size() > TARGET_STATUS && TYPE.matcher(fields.get(0)).matches()
                && TIME.matcher(fields.get(1)).matches()) {
            elb = fields.get(ELB_STATUS);
            target = fields.get(TARGET_STATUS);
            reason = fields.size() > ERROR_REASON ? fields.get(ERROR_REASON) : null;
        } else {
            Matcher m = KEY.matcher(line);
            while (m.find()) {
                switch (m.group(1)) {
                    case "elb_status_code" -> elb = m.group(2);
                    case "target_status_code" -> target = m.group(2);
                    case "error_reason" -> reason = m.group(2);
                    default -> { }
                }
            }
            if (elb == null) {
                return null;
            }
        }
        if (reason != null && (reason.isEmpty() || reason.equals("-"))) {
            reason = null;
        }
        String evidence = "elb_status_code=" + elb + " target_status_code=" + (target == null ? "?" : target)
                + (reason == null ? "" : " error_reason=" + reason);
        return explain(Text.quote(evidence), elb, target, reason);
    }

    private static Explanation explain(String evidence, String elb, String target, String reason) {
        String why = reason == null ? "" : " The load balancer gives error_reason " + Text.quote(reason) + ".";
        boolean noTargetAnswer = target == null || target.equals("-");
        if (!noTargetAnswer) {
            if (target.startsWith("5")) {
                return new Explanation(SOURCE, evidence, dev.upstreamguard.doctor.Verdict.FAILED,
                        Hop.WEB_APPLICATION, FailureKind.UPSTREAM_STATUS, null, parse(elb),
                        "The target itself answered " + target + "; the load balancer passed it on." + why,
                        "Read the target application's log for this request.");
            }
            return Facts.ok(SOURCE, evidence, "The target answered " + target + ".");
        }
        return switch (elb) {
            case "502" -> failed(SOURCE, evidence, FailureKind.CONNECTION_TERMINATED, 502, Hop.WEB_APPLICATION,
                    "The target gave no valid response: it refused or reset the connection, sent a malformed "
                            + "response, or closed an idle keep-alive connection just as the load balancer reused "
                            + "it (target keep-alive shorter than the load balancer's idle timeout)." + why,
                    "Set the target's keep-alive above the load balancer's idle timeout (60s by default), e.g. "
                            + "server.tomcat.keep-alive-timeout=65s or nginx keepalive_timeout 75s; check the "
                            + "target's log for crashes.");
            case "503" -> failed(SOURCE, evidence, "destination_unavailable", 503, Hop.LOAD_BALANCER,
                    "The target group has no registered or healthy target." + why,
                    "Register targets in the target group and make their health check pass.");
            case "504" -> failed(SOURCE, evidence, FailureKind.HTTP_RESPONSE_TIMEOUT, 504, Hop.WEB_APPLICATION,
                    "The target did not answer within the load balancer's idle timeout, or the connection to it "
                            + "was not established within 10 s." + why,
                    "Make the application answer (or fail) before the idle timeout: its request deadline below "
                            + "the idle timeout minus a margin; check security groups if no connection is made.");
            case "460" -> degraded(SOURCE, evidence, Hop.CLIENT, 460,
                    "The client closed the connection before the load balancer could answer." + why,
                    "If the client has a shorter timeout than the target's response time, the target is slow.");
            case "500" -> failed(SOURCE, evidence, "proxy_configuration_error", 500, Hop.LOAD_BALANCER,
                    "The load balancer itself failed (a listener rule, an authentication action)." + why,
                    "Check the listener rules and the error_reason.");
            case "561" -> degraded(SOURCE, evidence, Hop.LOAD_BALANCER, 561,
                    "The identity provider rejected the authentication." + why,
                    "Check the listener's authentication action.");
            default -> elb.startsWith("5") ? failed(SOURCE, evidence, "proxy_internal_error", parse(elb),
                    Hop.LOAD_BALANCER, "The load balancer answered " + elb + " without a target answer." + why,
                    "Look the status up in the ALB troubleshooting guide.")
                    : Facts.ok(SOURCE, evidence, "The load balancer answered " + elb + " itself." + why);
        };
    }

    private static int parse(String status) {
        try {
            return Integer.parseInt(status);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Space-separated fields; a double-quoted field is one field, its quotes removed. */
    static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n && out.size() < 40) {
            while (i < n && line.charAt(i) == ' ') {
                i++;
            }
            if (i >= n) {
                break;
            }
            int end;
            if (line.charAt(i) == '"') {
                end = line.indexOf('"', i + 1);
                end = end < 0 ? n : end;
                out.add(line.substring(i + 1, end));
                i = end + 1;
            } else {
                end = line.indexOf(' ', i);
                end = end < 0 ? n : end;
                out.add(line.substring(i, end));
                i = end;
            }
        }
        return out;
    }
}
