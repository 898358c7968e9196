package dev.upstreamguard.examples.gateway;

import dev.upstreamguard.test.Fault;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The demo's routes: {@code /demo/<name>} calls the upstream {@code <name>}, a part of the built-in upstream that
 * misbehaves in exactly one way. Each route is its own named upstream, so each has its own circuit breaker,
 * connection pool and metrics. Per-route settings live in {@code builtin-upstream.properties}.
 */
public enum DemoRoute {
    HEALTHY("Answers at once with a small JSON document.",
            "200 OK: the upstream's own answer", 200, null,
            () -> Fault.ok("application/json", "{\"message\":\"hello from the built-in upstream\"}")),
    STALE("Advertises keep-alive, then closes every connection right after answering: the next call on that"
            + " pooled connection meets a closed socket, the classic cause of intermittent 502s.",
            "200 OK: the stale connection is retried once on a fresh one", 200, null,
            () -> Fault.closeAfterResponse("{\"message\":\"fresh connection\"}")),
    SLOW("Answers only after 10 seconds; each attempt may take 1 second.",
            "504 after two attempts of 1 s", 504, "http_response_timeout",
            () -> Fault.slowHeaders(Duration.ofSeconds(10))),
    TRICKLE("Sends its headers at once, then the body one byte every 250 ms: no single read ever waits long, so"
            + " socket timeouts never fire; the attempt's deadline does.",
            "504 after two attempts of 1 s", 504, "http_response_timeout",
            () -> Fault.trickle("x".repeat(40), Duration.ofMillis(250))),
    BLACKHOLE("Reads the request and never answers.",
            "504 after two attempts of 1 s", 504, "http_response_timeout", Fault::blackhole),
    REFUSED("Nothing listens on its port: connections are refused.",
            "502, retried at once (nothing was sent)", 502, "connection_refused", null),
    CLOSED("Reads the request, then closes the connection without a word.",
            "502 after 3 attempts", 502, "connection_terminated", Fault::closeAfterRequest),
    RESET("Reads the request, then resets the connection (TCP RST).",
            "502 after 3 attempts", 502, "connection_terminated", Fault::resetAfterRequest),
    TRUNCATED("Declares a 1000-byte body, sends 16 bytes and closes.",
            "502: the body is incomplete", 502, "http_response_incomplete",
            () -> Fault.truncatedBody(1000, "sixteen bytes...")),
    CHUNKED("Sends a chunked body with a malformed chunk size.",
            "502: broken transfer coding", 502, "http_response_transfer_coding", Fault::brokenChunked),
    GZIP("Labels its body gzip, but it is not.",
            "502: undecodable content coding", 502, "http_response_content_coding", Fault::badGzip),
    HEADERS("Answers with a 16 KB header section of 250 short headers.",
            "502: header section too large", 502, "http_response_header_section_size",
            () -> Fault.oversizedHeaders(16 * 1024)),
    GARBAGE("Answers with bytes that are not HTTP at all: an SSH banner, as when a port is not the service.",
            "502 after 3 attempts", 502, "http_protocol_error", Fault::garbage),
    BAD_STATUS("Answers with status 999, outside 100..599.",
            "502 after 3 attempts", 502, "http_protocol_error",
            () -> Fault.invalidStatusLine("HTTP/1.1 999 Nope")),
    ERROR_500("Answers 500 Internal Server Error.",
            "502 with received-status=500 (not retried)", 502, null,
            () -> Fault.status(500, "upstream bug")),
    UNAVAILABLE("Answers 503 Service Unavailable with Retry-After: 7.",
            "503 with the upstream's Retry-After", 503, null,
            () -> Fault.status(503, "overloaded", "Retry-After", "7")),
    BREAKER("Answers 500 every time. Its circuit breaker opens once 3 calls have failed.",
            "502 three times, then 503 with Retry-After while the breaker is open", 503, "destination_unavailable",
            () -> Fault.status(500, "still broken"));

    private final String behaviour;
    private final String expected;
    private final int expectedStatus;
    private final String expectedError;
    private final Supplier<Fault> fault;

    DemoRoute(String behaviour, String expected, int expectedStatus, String expectedError, Supplier<Fault> fault) {
        this.behaviour = behaviour;
        this.expected = expected;
        this.expectedStatus = expectedStatus;
        this.expectedError = expectedError;
        this.fault = fault;
    }

    /** The route's name, also its upstream's: {@code healthy}, {@code stale}, {@code error-500}... */
    public String routeName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The path a visitor follows. */
    public String path() {
        return "/demo/" + routeName();
    }

    /** What the upstream behind this route does, in plain words. */
    public String behaviour() {
        return behaviour;
    }

    /** What the visitor gets, in plain words. */
    public String expected() {
        return expected;
    }

    /** The status the route answers with (for the breaker, once it has opened). */
    public int expectedStatus() {
        return expectedStatus;
    }

    /** The {@code Proxy-Status} error type answered, or {@code null} when there is none (success, upstream status). */
    public String expectedError() {
        return expectedError;
    }

    /** The fault the route's server applies, or {@code null} when no server listens (connection refused). */
    Fault fault() {
        return fault == null ? null : fault.get();
    }

    /** The route called {@code name}, or {@code null}. */
    public static DemoRoute byName(String name) {
        for (DemoRoute route : values()) {
            if (route.routeName().equals(name)) {
                return route;
            }
        }
        return null;
    }
}
