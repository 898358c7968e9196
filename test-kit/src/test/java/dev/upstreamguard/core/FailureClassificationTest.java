package dev.upstreamguard.core;

import static dev.upstreamguard.core.FaultTestSupport.ATTEMPT_TIMEOUT;
import static dev.upstreamguard.core.FaultTestSupport.REQUEST_TIMEOUT;
import static dev.upstreamguard.core.FaultTestSupport.SLACK;
import static dev.upstreamguard.core.FaultTestSupport.failure;
import static dev.upstreamguard.core.FaultTestSupport.policy;
import static dev.upstreamguard.core.FaultTestSupport.upstream;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.core.classify.RequestSent;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import java.time.Duration;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import dev.upstreamguard.test.junit.LeakCheck;

/** Each cause of the taxonomy, on a real socket: kind, answered status, attempts, and time against the deadline. */
class FailureClassificationTest {
    private FaultyUpstream server;
    private Upstream upstream;

    private UpstreamException last;

    @RegisterExtension
    final LeakCheck resources = new LeakCheck((Upstream u) -> u.connectionPoolStats().getLeased());

    @AfterEach
    void report(org.junit.jupiter.api.TestInfo info) {
        FaultTestSupport.report(info.getDisplayName(), last, REQUEST_TIMEOUT);
    }

    private UpstreamException get(Fault fault) {
        server = resources.track(FaultyUpstream.start(fault));
        upstream = resources.checked(upstream(server.baseUri(), policy().build()));
        last = failure(upstream, ClassicRequestBuilder.get("/resource").build());
        return last;
    }

    @Test
    void refusedPortIsConnectionRefusedAndRetried() {
        upstream = resources.checked(upstream("http://127.0.0.1:" + FaultyUpstream.refusedPort(), policy().build()));
        UpstreamException e = last = failure(upstream, ClassicRequestBuilder.post("/orders").build());
        assertThat(e.kind()).isEqualTo(FailureKind.CONNECTION_REFUSED);
        assertThat(e.status()).isEqualTo(502);
        assertThat(e.attempts()).as("nothing was sent, so even a POST is retried").isEqualTo(3);
        assertThat(e.requestSent()).isEqualTo(RequestSent.NO);
        assertThat(e.proxyStatus("upstream-guard"))
                .isEqualTo("upstream-guard; error=connection_refused; details=\"connection refused; 3 attempts\"");
    }

    @Test
    void unresolvableHostIsDnsErrorAndNotRetried() {
        upstream = resources.checked(upstream("http://no-such-host.invalid", policy().build()));
        UpstreamException e = last = failure(upstream, ClassicRequestBuilder.get("/").build());
        assertThat(e.kind()).isEqualTo(FailureKind.DNS_ERROR);
        assertThat(e.status()).isEqualTo(502);
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(e.details()).doesNotContain("invalid");
    }

    @Test
    void acceptThenCloseIsConnectionTerminated() {
        UpstreamException e = get(Fault.acceptThenClose());
        assertThat(e.kind()).isEqualTo(FailureKind.CONNECTION_TERMINATED);
        assertThat(e.status()).isEqualTo(502);
        assertThat(e.attempts()).isEqualTo(3);
        assertThat(server.connectionsAccepted()).isEqualTo(3);
    }

    @Test
    void resetAfterRequestIsConnectionTerminated() {
        UpstreamException e = get(Fault.resetAfterRequest());
        assertThat(e.kind()).isEqualTo(FailureKind.CONNECTION_TERMINATED);
        assertThat(e.attempts()).isEqualTo(3);
        assertThat(server.requestsReceived()).isEqualTo(3);
    }

    @Test
    void blackholeIsResponseTimeoutWithinTheDeadline() {
        UpstreamException e = get(Fault.blackhole());
        assertThat(e.kind()).isEqualTo(FailureKind.HTTP_RESPONSE_TIMEOUT);
        assertThat(e.status()).isEqualTo(504);
        assertThat(e.attempts()).isEqualTo(3);
        assertThat(e.elapsed()).isLessThanOrEqualTo(REQUEST_TIMEOUT.plus(SLACK));
        assertThat(e.elapsed()).isGreaterThanOrEqualTo(ATTEMPT_TIMEOUT.multipliedBy(3));
    }

    @Test
    void slowHeadersAreResponseTimeout() {
        UpstreamException e = get(Fault.slowHeaders(Duration.ofSeconds(5)));
        assertThat(e.kind()).isEqualTo(FailureKind.HTTP_RESPONSE_TIMEOUT);
        assertThat(e.status()).isEqualTo(504);
        assertThat(e.elapsed()).isLessThanOrEqualTo(REQUEST_TIMEOUT.plus(SLACK));
    }

    @Test
    void tricklingBodyIsCutAtTheAttemptDeadline() {
        // One byte every 50 ms never trips a 400 ms socket read timeout: only the watchdog ends the attempt.
        server = resources.track(FaultyUpstream.start(Fault.trickle("x".repeat(200), Duration.ofMillis(50))));
        upstream = resources.checked(upstream(server.baseUri(), policy().retry(dev.upstreamguard.core.retry.RetryPolicy.none()).build()));
        UpstreamException e = last = failure(upstream, ClassicRequestBuilder.get("/slow").build());
        assertThat(e.kind()).isEqualTo(FailureKind.HTTP_RESPONSE_TIMEOUT);
        assertThat(e.details()).contains("response body not complete in time");
        assertThat(e.elapsed()).isBetween(ATTEMPT_TIMEOUT, ATTEMPT_TIMEOUT.plus(SLACK));
    }

    @Test
    void truncatedBodyIsResponseIncomplete() {
        UpstreamException e = get(Fault.truncatedBody(100, "only-this"));
        assertThat(e.kind()).isEqualTo(FailureKind.HTTP_RESPONSE_INCOMPLETE);
        assertThat(e.status()).isEqualTo(502);
        assertThat(e.requestSent()).isEqualTo(RequestSent.YES);
    }

    @Test
    void brokenChunkedEncodingIsTransferCodingError() {
        UpstreamException e = get(Fault.brokenChunked());
        assertThat(e.kind()).isEqualTo(FailureKind.HTTP_RESPONSE_TRANSFER_CODING);
        assertThat(e.status()).isEqualTo(502);
    }

    @Test
    void chunkedBodyWithoutTerminalChunkIsIncomplete() {
        UpstreamException e = get(Fault.truncatedChunked());
        assertThat(e.kind()).isEqualTo(FailureKind.HTTP_RESPONSE_INCOMPLETE);
    }

    @Test
    void garbageIsProtocolError() {
        UpstreamException e = get(Fault.garbage());
        assertThat(e.kind()).isEqualTo(FailureKind.HTTP_PROTOCOL_ERROR);
        assertThat(e.status()).isEqualTo(502);
    }

    @Test
    void invalidStatusLineIsProtocolError() {
        UpstreamException e = get(Fault.invalidStatusLine());
        assertThat(e.kind()).isEqualTo(FailureKind.HTTP_PROTOCOL_ERROR);
    }

    @Test
    void statusCodeAbove599IsProtocolError() {
        UpstreamException e = get(Fault.invalidStatusLine("HTTP/1.1 999 Nope"));
        assertThat(e.kind()).isEqualTo(FailureKind.HTTP_PROTOCOL_ERROR);
        assertThat(e.details()).startsWith("invalid status code");
    }

    @Test
    void statusLineHttpCoreCannotRepresentIsProtocolErrorNotInternalError() {
        // HttpCore tokenises these but throws IllegalArgumentException building the status line.
        for (String line : new String[] {"HTTP/1.1 000 OK", "HTTP/-1.1 200 OK", "HTTP/1.-1 200 OK"}) {
            UpstreamException e = get(Fault.invalidStatusLine(line));
            assertThat(e.kind()).as(line).isEqualTo(FailureKind.HTTP_PROTOCOL_ERROR);
            assertThat(e.status()).as(line).isEqualTo(502);
            assertThat(e.details()).as(line).startsWith("invalid HTTP response");
        }
    }

    @Test
    void requestHttpClientRefusesToSendIsConfigurationErrorAndNotRetried() {
        server = resources.track(FaultyUpstream.start(Fault.ok("ok")));
        upstream = resources.checked(upstream(server.baseUri(), policy().build()));
        // HttpClient's protocol checks refuse user info in the request URI before opening a connection.
        UpstreamException e = last = failure(upstream, ClassicRequestBuilder.get(
                server.baseUri().replace("//", "//user:secret@") + "/resource").build());
        assertThat(e.kind()).isEqualTo(FailureKind.CONFIGURATION_ERROR);
        assertThat(e.status()).isEqualTo(500);
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(e.requestSent()).isEqualTo(RequestSent.NO);
        assertThat(server.requestsReceived()).isZero();
    }

    @Test
    void oversizedHeaderSectionIsHeaderSectionSizeError() {
        UpstreamException e = get(Fault.oversizedHeaders(64 * 1024));
        assertThat(e.kind()).isEqualTo(FailureKind.HTTP_RESPONSE_HEADER_SECTION_SIZE);
        assertThat(e.attempts()).isEqualTo(1);
    }

    @Test
    void oversizedHeaderLineIsHeaderSizeError() {
        UpstreamException e = get(Fault.oversizedHeaderLine(16 * 1024));
        assertThat(e.kind()).isEqualTo(FailureKind.HTTP_RESPONSE_HEADER_SIZE);
        assertThat(e.proxyStatus("upstream-guard")).contains("error=http_response_header_size");
    }

    @Test
    void undecodableGzipIsContentCodingError() {
        UpstreamException e = get(Fault.badGzip());
        assertThat(e.kind()).isEqualTo(FailureKind.HTTP_RESPONSE_CONTENT_CODING);
    }

    @Test
    void tlsToAPlaintextPortIsTlsProtocolError() {
        server = resources.track(FaultyUpstream.start(Fault.ok("plain")));
        upstream = resources.checked(upstream("https://127.0.0.1:" + server.port(), policy().build()));
        UpstreamException e = last = failure(upstream, ClassicRequestBuilder.get("/").build());
        assertThat(e.kind()).isEqualTo(FailureKind.TLS_PROTOCOL_ERROR);
        assertThat(e.status()).isEqualTo(502);
        assertThat(e.attempts()).isEqualTo(1);
    }

    @Test
    void upstream500IsBadGatewayWithReceivedStatusAndNotRetried() {
        UpstreamException e = get(Fault.status(500, "boom"));
        assertThat(e.kind()).isEqualTo(FailureKind.UPSTREAM_STATUS);
        assertThat(e.status()).isEqualTo(502);
        assertThat(e.receivedStatus()).isEqualTo(500);
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(e.proxyStatus("upstream-guard")).isEqualTo(
                "upstream-guard; received-status=500; details=\"upstream answered 500\"");
    }

    @Test
    void upstream503IsPassedOnWithItsRetryAfter() {
        UpstreamException e = get(Fault.status(503, "busy", "Retry-After", "30"));
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.receivedStatus()).isEqualTo(503);
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(e.attempts()).as("a 30 s Retry-After does not fit a 1.5 s deadline").isEqualTo(1);
        assertThat(e.details()).contains("deadline reached");
    }

    @Test
    void farFutureRetryAfterIsCappedNotAnInternalError() {
        UpstreamException e = get(Fault.status(503, "busy", "Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT"));
        assertThat(e.kind()).isEqualTo(FailureKind.UPSTREAM_STATUS);
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.retryAfter()).as("capped by the policy's maxRetryAfter")
                .isEqualTo(UpstreamPolicy.ofDefaults().maxRetryAfter());
    }

    @Test
    void upstream504IsGatewayTimeout() {
        UpstreamException e = get(Fault.status(504, "late"));
        assertThat(e.status()).isEqualTo(504);
        assertThat(e.attempts()).isEqualTo(3);
    }
}
