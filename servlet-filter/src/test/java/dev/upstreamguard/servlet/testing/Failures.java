package dev.upstreamguard.servlet.testing;

import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.classify.FailureKind;
import java.net.ConnectException;
import java.time.Duration;

/** Upstream failures as core builds them. */
public final class Failures {
    /** A message and a cause that name a host, an address and a port: must never reach a client. */
    public static final String SECRET_HOST = "billing-db.internal.example";
    public static final String SECRET_IP = "10.20.30.40";
    public static final String SECRET_PORT = "8443";

    private Failures() {
    }

    public static UpstreamException refused() {
        return UpstreamException.builder("billing", FailureKind.CONNECTION_REFUSED)
                .details("3 attempts; last: connection refused")
                .attempts(3)
                .elapsed(Duration.ofMillis(41))
                .cause(new ConnectException("Connection refused: " + SECRET_HOST + "/" + SECRET_IP + ":" + SECRET_PORT))
                .build();
    }

    public static UpstreamException circuitOpen(Duration retryAfter) {
        return UpstreamException.builder("billing", FailureKind.CIRCUIT_OPEN)
                .details("circuit breaker open")
                .retryAfter(retryAfter)
                .captureStackTrace(false)
                .build();
    }

    public static UpstreamException timeout() {
        return UpstreamException.builder("catalog", FailureKind.HTTP_RESPONSE_TIMEOUT)
                .details("no response within 2000 ms; 2 attempts")
                .attempts(2)
                .elapsed(Duration.ofMillis(4003))
                .build();
    }

    public static UpstreamException upstream503(Duration retryAfter) {
        return UpstreamException.builder("billing", FailureKind.UPSTREAM_STATUS)
                .status(503)
                .receivedStatus(503)
                .details("upstream answered 503")
                .retryAfter(retryAfter)
                .attempts(1)
                .build();
    }

    public static UpstreamException configurationError() {
        return UpstreamException.builder("billing", FailureKind.CONFIGURATION_ERROR)
                .details("no base URI")
                .build();
    }

    /** Details with markup, to prove every representation escapes them. */
    public static UpstreamException withDetails(String details) {
        return UpstreamException.builder("billing", FailureKind.RESPONSE_INVALID)
                .details(details)
                .attempts(1)
                .build();
    }
}
