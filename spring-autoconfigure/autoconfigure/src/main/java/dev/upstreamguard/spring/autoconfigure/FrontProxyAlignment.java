package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.spring.autoconfigure.UpstreamGuardConfigurationException.Problem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rules that involve the proxy in front of the application, which only the application's configuration can
 * know: the request deadline must end before the proxy's timeout, and the server must keep an idle connection open
 * longer than the proxy does (else the proxy reuses a connection the server is closing: an intermittent 502). A tie
 * counts as a violation.
 */
final class FrontProxyAlignment {
    private FrontProxyAlignment() {
    }

    static List<Problem> check(UpstreamGuardProperties properties, Optional<ServerKeepAlive> server) {
        List<Problem> problems = new ArrayList<>();
        Duration margin = properties.getFrontProxyMargin();
        Duration front = properties.getFrontProxyTimeout();
        Duration request = properties.getRequestTimeout();
        if (front != null && request != null && request.plus(margin).compareTo(front) >= 0) {
            problems.add(new Problem(PropertyNames.PREFIX + ".request-timeout", Problems.format(request),
                    "upstream-guard.request-timeout (" + Problems.format(request) + ") + upstream-guard.front-proxy-margin ("
                            + Problems.format(margin) + ") must be < upstream-guard.front-proxy-timeout ("
                            + Problems.format(front) + "), else the front proxy gives up first and answers with its"
                            + " own 504 page",
                    "lower upstream-guard.request-timeout to at most "
                            + Problems.format(front.minus(margin).minusMillis(1))
                            + ", or raise the front proxy's timeout (nginx proxy_read_timeout, HAProxy timeout server)"
                            + " and upstream-guard.front-proxy-timeout with it"));
        }
        Duration frontIdle = properties.getFrontProxyIdleTimeout();
        if (frontIdle != null && server.isPresent()) {
            ServerKeepAlive s = server.get();
            Duration bound = frontIdle.plus(margin);
            if (!s.value().isNegative() && s.value().compareTo(bound) <= 0) {
                problems.add(new Problem(s.property(), Problems.format(s.value()),
                        s.server() + " keeps an idle connection open for " + Problems.format(s.value()) + " ("
                                + s.source() + "), which must be longer than upstream-guard.front-proxy-idle-timeout ("
                                + Problems.format(frontIdle) + ") + upstream-guard.front-proxy-margin ("
                                + Problems.format(margin) + "), else the front proxy reuses a connection " + s.server()
                                + " is closing and answers 502 intermittently",
                        "set " + s.property() + " to more than " + Problems.format(bound) + " (e.g. "
                                + Problems.format(suggestion(bound)) + "), or lower the front proxy's idle timeout"
                                + " (AWS ALB idle_timeout.timeout_seconds, nginx keepalive_timeout) below "
                                + Problems.format(s.value().minus(margin))
                                + " and upstream-guard.front-proxy-idle-timeout with it"));
            }
        }
        return problems;
    }

    /** The next multiple of 5 s above {@code bound}: 61s -> 65s. */
    private static Duration suggestion(Duration bound) {
        return Duration.ofSeconds((bound.toSeconds() / 5 + 1) * 5);
    }
}
