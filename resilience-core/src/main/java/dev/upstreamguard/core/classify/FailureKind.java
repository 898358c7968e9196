package dev.upstreamguard.core.classify;

/**
 * Why an upstream call failed, with the RFC 9209 Proxy-Status error type and the HTTP status to answer with.
 *
 * <p>One constant per row of the failure taxonomy. {@link #errorType()} is {@code null} only for
 * {@link #UPSTREAM_STATUS}: the upstream answered, so Proxy-Status carries {@code received-status} instead of an
 * error.
 */
public enum FailureKind {
    /** The upstream host name did not resolve. */
    DNS_ERROR("dns_error", 502, Phase.BEFORE_SEND),
    /** The TCP connection was not established in time. */
    CONNECTION_TIMEOUT("connection_timeout", 504, Phase.BEFORE_SEND),
    /** The upstream refused the TCP connection (nothing listens on the port). */
    CONNECTION_REFUSED("connection_refused", 502, Phase.BEFORE_SEND),
    /** No route to the upstream's address. */
    DESTINATION_IP_UNROUTABLE("destination_ip_unroutable", 502, Phase.BEFORE_SEND),
    /**
     * A route or firewall on the way forbids the upstream's address: the kernel answered "permission denied"
     * ({@code EACCES}), as a {@code prohibit} route or an ICMPv6 administratively-prohibited reply makes it.
     * (An IPv4 ICMP administratively-prohibited reply reaches Java as "no route to host", which is
     * {@link #DESTINATION_IP_UNROUTABLE}: the kernel gives the same error code for both.)
     */
    DESTINATION_IP_PROHIBITED("destination_ip_prohibited", 502, Phase.BEFORE_SEND),
    /** The connection was closed or reset before a response arrived. */
    CONNECTION_TERMINATED("connection_terminated", 502, Phase.MAYBE_SENT),
    /** No (complete) response within the attempt timeout or the request deadline. */
    HTTP_RESPONSE_TIMEOUT("http_response_timeout", 504, Phase.MAYBE_SENT),
    /** The response body ended before its declared length, or the connection closed mid-body. */
    HTTP_RESPONSE_INCOMPLETE("http_response_incomplete", 502, Phase.SENT),
    /** The chunked transfer coding was broken. */
    HTTP_RESPONSE_TRANSFER_CODING("http_response_transfer_coding", 502, Phase.SENT),
    /** The content coding (for example gzip) could not be decoded. */
    HTTP_RESPONSE_CONTENT_CODING("http_response_content_coding", 502, Phase.SENT),
    /** The response header section was too large. */
    HTTP_RESPONSE_HEADER_SECTION_SIZE("http_response_header_section_size", 502, Phase.SENT),
    /** One response header line was too large. */
    HTTP_RESPONSE_HEADER_SIZE("http_response_header_size", 502, Phase.SENT),
    /** The response body exceeded the configured limit. */
    HTTP_RESPONSE_BODY_SIZE("http_response_body_size", 502, Phase.SENT),
    /** The upstream spoke something that is not valid HTTP. */
    HTTP_PROTOCOL_ERROR("http_protocol_error", 502, Phase.MAYBE_SENT),
    /** The response was valid HTTP but failed a validation rule; details name the rule. */
    RESPONSE_INVALID("http_protocol_error", 502, Phase.SENT),
    /** The TLS peer sent an alert. */
    TLS_ALERT_RECEIVED("tls_alert_received", 502, Phase.BEFORE_SEND),
    /** The upstream's certificate was rejected. */
    TLS_CERTIFICATE_ERROR("tls_certificate_error", 502, Phase.BEFORE_SEND),
    /** Any other TLS failure. */
    TLS_PROTOCOL_ERROR("tls_protocol_error", 502, Phase.BEFORE_SEND),
    /** The upstream answered with an error status (5xx). The answered status follows the received one. */
    UPSTREAM_STATUS(null, 502, Phase.SENT),
    /** The circuit breaker is open: the call was not attempted. */
    CIRCUIT_OPEN("destination_unavailable", 503, Phase.BEFORE_SEND),
    /** The concurrent-call limit or the connection pool is exhausted: the call was not attempted. */
    CONNECTION_LIMIT_REACHED("connection_limit_reached", 503, Phase.BEFORE_SEND),
    /** The deadline had already expired (or too little remained) before an attempt could start. */
    DEADLINE_EXCEEDED("http_response_timeout", 504, Phase.BEFORE_SEND),
    /** The upstream is configured wrongly (no base URI, bad scheme). */
    CONFIGURATION_ERROR("proxy_configuration_error", 500, Phase.BEFORE_SEND),
    /** A failure inside this library. */
    INTERNAL_ERROR("proxy_internal_error", 500, Phase.MAYBE_SENT);

    /** Whether the request can have reached the upstream when a failure of this kind happens. */
    enum Phase { BEFORE_SEND, MAYBE_SENT, SENT }

    private final String errorType;
    private final int status;
    private final Phase phase;

    FailureKind(String errorType, int status, Phase phase) {
        this.errorType = errorType;
        this.status = status;
        this.phase = phase;
    }

    /** The RFC 9209 Proxy-Status error type, or {@code null} for {@link #UPSTREAM_STATUS}. */
    public String errorType() {
        return errorType;
    }

    /** The HTTP status to answer with by default (502, 503, 504 or 500). */
    public int defaultStatus() {
        return status;
    }

    /** Whether the request may have reached the upstream before a failure of this kind. */
    public RequestSent requestSent() {
        return switch (phase) {
            case BEFORE_SEND -> RequestSent.NO;
            case SENT -> RequestSent.YES;
            case MAYBE_SENT -> RequestSent.UNKNOWN;
        };
    }

    /** A short lower-case name for metrics and logs, such as {@code connection_refused}. */
    public String tagValue() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
