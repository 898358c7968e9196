package dev.upstreamguard.servlet.internal;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.core.classify.RequestSent;
import java.time.Duration;

/**
 * The plain words of an error response: for the visitor (what happened, whether and when to retry, whether the
 * request went through) and for the site's owner. A fixed vocabulary: nothing from the request or from an exception
 * message ever ends up here.
 */
public final class Wording {
    private Wording() {
    }

    /** The reason phrase of a 5xx status. */
    public static String title(int status) {
        return switch (status) {
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            case 507 -> "Insufficient Storage";
            case 508 -> "Loop Detected";
            case 511 -> "Network Authentication Required";
            default -> "Server Error";
        };
    }

    /** What happened, one sentence without a final period; {@code kind} is null for an application sendError. */
    public static String headline(FailureKind kind, int status) {
        if (kind == null) {
            return switch (status) {
                case 502 -> "This site got an invalid answer from a service it depends on";
                case 503 -> "This site is temporarily unavailable";
                case 504 -> "A service this site depends on took too long to answer";
                default -> "This site could not complete your request";
            };
        }
        return switch (kind) {
            case DNS_ERROR, CONNECTION_REFUSED, DESTINATION_IP_UNROUTABLE, DESTINATION_IP_PROHIBITED,
                    TLS_ALERT_RECEIVED,
                    TLS_CERTIFICATE_ERROR, TLS_PROTOCOL_ERROR -> "This site could not reach a service it depends on";
            case CONNECTION_TERMINATED -> "A service this site depends on dropped the connection before answering";
            case CONNECTION_TIMEOUT, HTTP_RESPONSE_TIMEOUT, DEADLINE_EXCEEDED ->
                    "A service this site depends on took too long to answer";
            case CIRCUIT_OPEN -> "A service this site depends on is failing, so this site is giving it a short break";
            case CONNECTION_LIMIT_REACHED -> "This site is too busy to reach a service it depends on right now";
            case UPSTREAM_STATUS -> "A service this site depends on reported an error";
            case CONFIGURATION_ERROR, INTERNAL_ERROR -> "This site has a problem of its own";
            default -> "A service this site depends on sent an answer this site could not use";
        };
    }

    /** Whether this site (rather than the upstream) is the failed hop. */
    public static boolean siteFailed(FailureKind kind, int status) {
        if (kind == null) {
            return status != 502 && status != 504;
        }
        return kind == FailureKind.CONFIGURATION_ERROR || kind == FailureKind.INTERNAL_ERROR;
    }

    /** The state shown on the upstream hop. */
    public static String upstreamState(FailureKind kind, int status) {
        if (siteFailed(kind, status)) {
            return "Not contacted";
        }
        if (kind == null) {
            return status == 504 ? "Timed out" : "Error";
        }
        return switch (kind) {
            case DNS_ERROR, CONNECTION_REFUSED, DESTINATION_IP_UNROUTABLE, DESTINATION_IP_PROHIBITED,
                    TLS_ALERT_RECEIVED,
                    TLS_CERTIFICATE_ERROR, TLS_PROTOCOL_ERROR -> "Unreachable";
            case CONNECTION_TERMINATED -> "Connection dropped";
            case CONNECTION_TIMEOUT, HTTP_RESPONSE_TIMEOUT, DEADLINE_EXCEEDED -> "Timed out";
            case CIRCUIT_OPEN -> "Paused";
            case CONNECTION_LIMIT_REACHED -> "Busy";
            case UPSTREAM_STATUS -> "Error";
            default -> "Invalid answer";
        };
    }

    /** Whether retrying helps, and when. */
    public static String retryAdvice(boolean retryable, Duration retryAfter) {
        if (!retryable) {
            return "Trying again will not help until the site's owner fixes the problem.";
        }
        if (retryAfter == null) {
            return "This is usually temporary: trying again in a minute or two may work.";
        }
        return "This is usually temporary: please try again in " + inWords(retryAfter) + ".";
    }

    /** Whether the request went through, and what that means for a form or a payment. */
    public static String sentAdvice(RequestSent sent) {
        return switch (sent) {
            case NO -> "Your request did not reach the service, so sending it again is safe.";
            case YES -> "Your request reached the service. If you were submitting something, such as a form or an"
                    + " order, check whether it went through before sending it again.";
            case UNKNOWN -> "It is not known whether your request reached the service. If you were submitting"
                    + " something, such as a form or an order, check whether it went through before sending it again.";
        };
    }

    /** Guidance for the site's owner. */
    public static String ownerAdvice(FailureKind kind, int status) {
        if (kind == null) {
            return "The application answered " + status + " itself. Search its logs for the correlation ID.";
        }
        return switch (kind) {
            case DNS_ERROR -> "The upstream's host name did not resolve: check the configured base URI and DNS.";
            case CONNECTION_REFUSED -> "The upstream refused the connection: check that it is running and listening"
                    + " on the configured port.";
            case DESTINATION_IP_UNROUTABLE -> "There is no route to the upstream: check the network and firewall.";
            case DESTINATION_IP_PROHIBITED -> "A route or firewall rule on the way forbids connecting to the upstream's"
                    + " address: check the firewall rules and routes between this site and the upstream.";
            case TLS_ALERT_RECEIVED, TLS_CERTIFICATE_ERROR, TLS_PROTOCOL_ERROR -> "The TLS handshake with the"
                    + " upstream failed: check its certificate, the trust store and the protocol versions.";
            case CONNECTION_TERMINATED -> "The upstream closed the connection before answering: look for crashes or"
                    + " restarts, and keep pooled connections' idle time below the upstream's keep-alive timeout.";
            case CONNECTION_TIMEOUT -> "Connecting to the upstream timed out: check that it is up and reachable.";
            case HTTP_RESPONSE_TIMEOUT -> "The upstream did not answer within the attempt timeout or the request"
                    + " deadline: check its latency, and that connect <= attempt <= request deadline < front proxy"
                    + " timeout.";
            case DEADLINE_EXCEEDED -> "The request's time budget was spent before the upstream could be called:"
                    + " check what else the request waits for, and the request timeout.";
            case CIRCUIT_OPEN -> "The circuit breaker opened after repeated failures and lets a few requests through"
                    + " again after the Retry-After time: check the upstream's health.";
            case CONNECTION_LIMIT_REACHED -> "The concurrent-call limit or the connection pool is exhausted: check the"
                    + " upstream's latency and the concurrency limit.";
            case UPSTREAM_STATUS -> "The upstream answered with an error status (received-status in Proxy-Status):"
                    + " check its logs for this correlation ID.";
            case CONFIGURATION_ERROR -> "An upstream is configured wrongly (missing base URI or unsupported scheme).";
            case INTERNAL_ERROR -> "The upstream client failed internally: the log line for this correlation ID has"
                    + " the cause.";
            default -> "The upstream's response was broken or failed validation: the Proxy-Status header and the log"
                    + " line for this correlation ID say which rule.";
        };
    }

    /** A duration as a visitor reads it: "a few seconds", "about 30 seconds", "about 2 minutes". */
    public static String inWords(Duration d) {
        long s = Math.max(1, (d.toMillis() + 999) / 1000);
        if (s < 5) {
            return "a few seconds";
        }
        if (s < 90) {
            return "about " + s + " seconds";
        }
        long m = (s + 30) / 60;
        if (m < 90) {
            return "about " + m + " minutes";
        }
        long h = (m + 30) / 60;
        return "about " + h + (h == 1 ? " hour" : " hours");
    }

    /** Whole seconds for {@code Retry-After}, rounded up, at least 1. */
    public static long seconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }
}
