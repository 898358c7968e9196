package dev.upstreamguard.core.classify;

import java.io.EOFException;
import java.io.InterruptedIOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.ZipException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.UnsupportedSchemeException;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.MalformedChunkCodingException;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.NoHttpResponseException;

/**
 * Maps what HttpClient 5 and the JDK throw to a {@link FailureKind}: the one place that says why a 502 became a
 * 504. Pure and stateless.
 *
 * <p>The most specific cause is checked first: {@code ConnectTimeoutException} and
 * {@code SocketTimeoutException} are both {@code InterruptedIOException}s, {@code HttpHostConnectException} is a
 * {@code ConnectException}, and TLS failures arrive wrapped. Each rule was checked against a real socket in
 * {@code FailureClassificationTest}.
 */
public final class FailureClassifier {
    /** Details of a TLS handshake that timed out after TCP connected (a middlebox that swallows it). */
    public static final String TLS_HANDSHAKE_TIMED_OUT = "TLS handshake timed out (TCP connected)";
    /** Details (and the lookup's exception message) of a DNS lookup that did not answer within the connect timeout. */
    public static final String DNS_LOOKUP_TIMED_OUT = "DNS lookup timed out";

    private FailureClassifier() {
    }

    /**
     * Classifies an attempt's failure.
     *
     * @param error           what the attempt threw
     * @param responseStarted whether response headers had arrived (a failure after that is an incomplete body,
     *                        before it a terminated connection)
     */
    public static Classification classify(Throwable error, boolean responseStarted) {
        return classify(error, responseStarted, false);
    }

    /**
     * Classifies an attempt's failure, knowing whether the connection received bytes that never formed a response.
     *
     * @param error             what the attempt threw
     * @param responseStarted   whether response headers had arrived
     * @param nonHttpBytesSeen  whether a fresh connection received bytes but no response: HttpCore skips lines it
     *                          cannot parse as a status line and reports the end of stream as "no response", so
     *                          garbage and invalid status lines arrive as {@code NoHttpResponseException}
     */
    public static Classification classify(Throwable error, boolean responseStarted, boolean nonHttpBytesSeen) {
        if (nonHttpBytesSeen && !responseStarted && error instanceof NoHttpResponseException) {
            return of(FailureKind.HTTP_PROTOCOL_ERROR, "invalid HTTP response");
        }
        // Walk the cause chain twice: specific signals first, anywhere in the chain, then the generic ones.
        // HttpClient wraps (RequestFailedException is itself an InterruptedIOException), the JDK wraps TLS.
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Classification c = classifyOne(t, responseStarted);
            if (c != null) {
                return c;
            }
        }
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Classification c = classifyGeneric(t, responseStarted);
            if (c != null) {
                return c;
            }
        }
        if (error instanceof RuntimeException || error instanceof Error) {
            return new Classification(FailureKind.INTERNAL_ERROR, "internal error");
        }
        return responseStarted
                ? new Classification(FailureKind.HTTP_RESPONSE_INCOMPLETE, "response body incomplete")
                : new Classification(FailureKind.CONNECTION_TERMINATED, "connection closed before a response");
    }

    /** The failure for an upstream that answered with an error status (5xx). */
    public static Classification forStatus(int status) {
        return new Classification(FailureKind.UPSTREAM_STATUS, "upstream answered " + status);
    }

    private static Classification classifyOne(Throwable t, boolean responseStarted) {
        // Host name does not resolve: no answer within the connect timeout (our bound), a server failure
        // (glibc's EAI_AGAIN, "Temporary failure in name resolution": SERVFAIL or every server silent), or no such
        // name (NXDOMAIN, no address).
        if (t instanceof UnknownHostException) {
            if (DNS_LOOKUP_TIMED_OUT.equals(t.getMessage())) {
                return of(FailureKind.DNS_ERROR, DNS_LOOKUP_TIMED_OUT);
            }
            return lower(t).contains("temporary failure")
                    ? of(FailureKind.DNS_ERROR, "DNS lookup failed (server failure)")
                    : of(FailureKind.DNS_ERROR, "host name did not resolve");
        }
        // Connect timed out: a ConnectTimeoutException is an InterruptedIOException, so it goes before timeouts.
        // HttpClient reports a TLS handshake that timed out as a ConnectTimeoutException too ("Connect to ...
        // failed: Read timed out", no cause): TCP was connected and the handshake's read timed out.
        if (t instanceof ConnectTimeoutException) {
            return lower(t).endsWith("read timed out")
                    ? of(FailureKind.CONNECTION_TIMEOUT, TLS_HANDSHAKE_TIMED_OUT)
                    : of(FailureKind.CONNECTION_TIMEOUT, "connect timed out");
        }
        // Pool lease timed out: every pooled connection is busy.
        if (t instanceof ConnectionRequestTimeoutException) {
            return of(FailureKind.CONNECTION_LIMIT_REACHED, "connection pool exhausted");
        }
        // No route (a SocketException, not a ConnectException): EHOSTUNREACH, from an `unreachable` route or an
        // ICMP host-unreachable reply; an IPv4 ICMP administratively-prohibited reply gives the same error code.
        if (t instanceof NoRouteToHostException) {
            return of(FailureKind.DESTINATION_IP_UNROUTABLE, "no route to host");
        }
        // ENETUNREACH ("Network is unreachable", a plain SocketException): ICMP net-unreachable, no route at all.
        if (t instanceof SocketException && lower(t).contains("network is unreachable")) {
            return of(FailureKind.DESTINATION_IP_UNROUTABLE, "network unreachable");
        }
        // EACCES on connect, which the JDK reports as a BindException "Permission denied": a `prohibit` route or
        // an ICMPv6 administratively-prohibited reply (measured in the kernel fault suite, docs/network-faults.md).
        if (t instanceof BindException && lower(t).contains("permission denied")) {
            return of(FailureKind.DESTINATION_IP_PROHIBITED, "destination prohibited by a route or firewall");
        }
        // Refused: HttpHostConnectException extends ConnectException.
        if (t instanceof ConnectException) {
            String msg = lower(t);
            return msg.contains("timed out")
                    ? of(FailureKind.CONNECTION_TIMEOUT, "connect timed out")
                    : of(FailureKind.CONNECTION_REFUSED, "connection refused");
        }
        // Closed before any response byte: the classic stale keep-alive symptom.
        if (t instanceof NoHttpResponseException) {
            return of(FailureKind.CONNECTION_TERMINATED, "connection closed before a response");
        }
        // Read timeout (socket timeout): no bytes within the attempt timeout.
        if (t instanceof SocketTimeoutException) {
            return responseStarted
                    ? of(FailureKind.HTTP_RESPONSE_TIMEOUT, "response body not complete in time")
                    : of(FailureKind.HTTP_RESPONSE_TIMEOUT, "no response in time");
        }
        // Broken chunked transfer coding (TruncatedChunkException is a MalformedChunkCodingException).
        if (t instanceof MalformedChunkCodingException) {
            return of(FailureKind.HTTP_RESPONSE_TRANSFER_CODING, "invalid chunked encoding");
        }
        // Body shorter than declared, or connection closed mid-body.
        if (t instanceof ConnectionClosedException) {
            return responseStarted
                    ? of(FailureKind.HTTP_RESPONSE_INCOMPLETE, "response body incomplete")
                    : of(FailureKind.CONNECTION_TERMINATED, "connection closed before a response");
        }
        // Header limits of Http1Config; "empty line limit" means many lines that were not a status line: garbage.
        if (t instanceof MessageConstraintException) {
            if (lower(t).contains("empty line")) {
                return of(FailureKind.HTTP_PROTOCOL_ERROR, "invalid HTTP response");
            }
            return lower(t).contains("header count")
                    ? of(FailureKind.HTTP_RESPONSE_HEADER_SECTION_SIZE, "response header section too large")
                    : of(FailureKind.HTTP_RESPONSE_HEADER_SIZE, "response header too large");
        }
        // Undecodable content coding (gzip, deflate).
        if (t instanceof ZipException || t instanceof DataFormatException
                || (t instanceof EOFException && lower(t).contains("zlib"))) {
            return of(FailureKind.HTTP_RESPONSE_CONTENT_CODING, "undecodable content encoding");
        }
        // TLS: certificate first (it arrives as the cause of an SSLHandshakeException), then alerts, then the rest.
        if (t instanceof CertificateException || t instanceof SSLPeerUnverifiedException) {
            return of(FailureKind.TLS_CERTIFICATE_ERROR, "certificate rejected");
        }
        if (t instanceof SSLException) {
            if (hasCause(t, CertificateException.class)) {
                return of(FailureKind.TLS_CERTIFICATE_ERROR, "certificate rejected");
            }
            if (lower(t).contains("received fatal alert")) {
                return of(FailureKind.TLS_ALERT_RECEIVED, "TLS alert received");
            }
            return of(FailureKind.TLS_PROTOCOL_ERROR, "TLS handshake failed");
        }
        // Scheme we cannot speak: a configuration error, not the upstream's fault.
        if (t instanceof UnsupportedSchemeException) {
            return of(FailureKind.CONFIGURATION_ERROR, "unsupported scheme");
        }
        // Malformed status line or headers (ParseException is a ProtocolException is an HttpException).
        if (t instanceof HttpException) {
            return of(FailureKind.HTTP_PROTOCOL_ERROR, "invalid HTTP response");
        }
        return null;
    }

    private static Classification classifyGeneric(Throwable t, boolean responseStarted) {
        // Reset or broken pipe.
        if (t instanceof SocketException) {
            return responseStarted
                    ? of(FailureKind.HTTP_RESPONSE_INCOMPLETE, "connection reset during the response body")
                    : of(FailureKind.CONNECTION_TERMINATED, "connection reset before a response");
        }
        // Any other interruption of blocking I/O.
        if (t instanceof InterruptedIOException) {
            return of(FailureKind.HTTP_RESPONSE_TIMEOUT, "interrupted while waiting for the response");
        }
        return null;
    }

    private static Classification of(FailureKind kind, String details) {
        return new Classification(kind, details);
    }

    private static String lower(Throwable t) {
        String m = t.getMessage();
        return m == null ? "" : m.toLowerCase(Locale.ROOT);
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
