package dev.upstreamguard.core.internal;

import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.core.UpstreamResponse;
import dev.upstreamguard.core.classify.Classification;
import dev.upstreamguard.core.classify.FailureClassifier;
import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.core.deadline.DeadlineHeader;
import dev.upstreamguard.core.deadline.RequestContext;
import dev.upstreamguard.core.retry.RetryAfter;
import dev.upstreamguard.core.validate.ResponseValidation;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecRuntime;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.EndpointDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.util.Timeout;

/**
 * Runs one attempt: derives its timeouts from the remaining deadline, arms the watchdog, sends the request with
 * the propagated headers, reads the whole body and validates the response. A streamed attempt ends with the
 * response head: its status and headers are validated, its body is left to the caller.
 */
final class AttemptExecutor {
    /** MDC key read for the correlation ID when no request context is attached. */
    static final String MDC_KEY = "correlationId";

    private final UpstreamPolicy policy;
    private final AttemptWatchdog watchdog;
    private final long connectMillis;
    private final long leaseMillis;
    private final Timeout stallTimeout;
    // Single-entry caches of immutable values: attempts mostly get the full attempt timeout as their budget, so
    // the same RequestConfig and deadline header serve call after call instead of being built for each (a few
    // hundred bytes per call). A miss just builds and replaces the entry.
    private volatile AttemptConfig lastConfig;
    private volatile DeadlineValue lastDeadline;
    /** The last Content-Type parsed for a response (one upstream mostly answers with one type). */
    private volatile ParsedType lastType;

    AttemptExecutor(UpstreamPolicy policy, ScheduledExecutorService scheduler) {
        this.policy = policy;
        this.watchdog = new AttemptWatchdog(scheduler, policy.maxConcurrentCalls());
        this.connectMillis = policy.connectTimeout().toMillis();
        this.leaseMillis = policy.poolLeaseTimeout().toMillis();
        this.stallTimeout = Timeout.of(policy.stallTimeout());
    }

    /** Watches a streamed body: closes its connection at {@code systemDeadline} ({@link System#nanoTime()}). */
    AttemptWatchdog.Slot watchBody(ExecRuntime runtime, long systemDeadline) {
        return watchdog.arm(runtime, systemDeadline);
    }

    private record AttemptConfig(RequestConfig base, long budgetMillis, RequestConfig config) {
    }

    private record DeadlineValue(long millis, Header header) {
    }

    /**
     * Sends {@code request} as this attempt and reads the answer. The request is sent as it is: the caller hands
     * a fresh copy to each attempt after the first (see {@link GuardExecHandler}). {@code systemNanos} is the
     * attempt's start on {@link System#nanoTime()}, which the watchdog's timer runs on.
     */
    AttemptResult run(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain, RequestContext rc,
            long budgetNanos, int attempt, long systemNanos, boolean streaming) {
        HttpClientContext ctx = scope.clientContext;
        ctx.setRequestConfig(attemptConfig(ctx.getRequestConfig(), budgetNanos));
        ctx.setEndpointDetails(null);
        if (streaming) {
            ctx.setAttribute(StreamingRequestExecutor.STALL_TIMEOUT_ATTRIBUTE, stallTimeout);
        } else if (ctx.getAttribute(StreamingRequestExecutor.STALL_TIMEOUT_ATTRIBUTE) != null) {
            ctx.removeAttribute(StreamingRequestExecutor.STALL_TIMEOUT_ATTRIBUTE);
        }
        propagateHeaders(request, rc, budgetNanos);

        AttemptWatchdog.Slot watch = watchdog.arm(scope.execRuntime, systemNanos + budgetNanos);
        boolean watching = true;
        boolean handedOver = false;
        ClassicHttpResponse response = null;
        byte[] body = null;
        AttemptResult result;
        try {
            response = chain.proceed(request, scope);
            int status = response.getCode();
            if (status > 599) {
                watching = false;
                watch.finish();
                return fail(FailureKind.HTTP_PROTOCOL_ERROR, "invalid status code", 0, null, null);
            }
            if (streaming && policy.validation().acceptsStatus(status)) {
                // Streamed: the attempt ends with the head; the body is the caller's to read.
                watching = false;
                if (!watch.finish()) {
                    return timedOut(true, null);
                }
                HttpEntity entity = response.getEntity();
                Header type = response.getFirstHeader(HttpHeaders.CONTENT_TYPE);
                String violation = policy.validation().headViolation(type == null ? null : type.getValue(),
                        entity == null ? 0 : entity.getContentLength());
                if (violation != null) {
                    return fail(FailureKind.RESPONSE_INVALID, violation, status, null, null);
                }
                handedOver = true;
                return AttemptResult.success(response);
            }
            body = BoundedBody.read(response.getEntity(), policy.validation().maxBodyBytes());
            watching = false;
            boolean inTime = watch.finish();
            if (body == null) {
                return fail(FailureKind.HTTP_RESPONSE_BODY_SIZE, "response body larger than "
                        + policy.validation().maxBodyBytes() + " bytes", status, null, null);
            }
            if (!inTime) {
                // The watchdog closed the connection: an EOF-delimited body may look complete but is not.
                body = null;
                return timedOut(true, null);
            }
            result = check(response, status, body, attempt);
        } catch (IOException | HttpException | RuntimeException e) {
            body = null;
            // A failure after the watch was finished counts as fired, as it always has (finishing is once only).
            boolean fired = !watching || !watch.finish();
            if (fired) {
                return timedOut(response != null, e);
            }
            EndpointDetails conn = ctx.getEndpointDetails();
            if (e instanceof ProtocolException && conn == null && response == null) {
                // HttpClient refused the request before any connection carried it (the endpoint details are set
                // when a request is written): the request or the client is wrong, not the upstream.
                return fail(FailureKind.CONFIGURATION_ERROR, "request refused by the HTTP client", 0, null, e);
            }
            boolean reused = conn != null && conn.getResponseCount() > 0;
            boolean nonHttpBytes = conn != null && !reused && conn.getReceivedBytesCount() > 0;
            Classification c = FailureClassifier.classify(e, response != null, nonHttpBytes);
            boolean stale = response == null && c.kind() == FailureKind.CONNECTION_TERMINATED && reused;
            return AttemptResult.failure(c, response == null ? 0 : response.getCode(), null, e, stale, false);
        } finally {
            if (response != null && !handedOver) {
                release(scope, response, body != null);
            }
        }
        if (result.succeeded()) {
            // The connection is back in the pool: the response now carries the body from memory. Reusing the
            // response HttpClient built (rather than copying it) keeps the success path free of per-call copies.
            buffered(response, body);
        }
        return result;
    }

    /** Checks status and validation rules of a complete response (its body read into {@code body}). */
    private AttemptResult check(ClassicHttpResponse response, int status, byte[] body, int attempt) {
        ResponseValidation validation = policy.validation();
        if (!validation.acceptsStatus(status)) {
            if (status >= 500) {
                Header h = response.getFirstHeader("Retry-After");
                Duration retryAfter = h == null ? null : RetryAfter.parse(h.getValue(), Instant.now());
                return AttemptResult.failure(FailureClassifier.forStatus(status), status, retryAfter, null, false,
                        false);
            }
            return fail(FailureKind.RESPONSE_INVALID, "status " + status + " not accepted", status, null, null);
        }
        if (validation.inspectsResponse()) {
            String violation = validation.violation(
                    new UpstreamResponse(status, response.getHeaders(), body, attempt));
            if (violation != null) {
                return fail(FailureKind.RESPONSE_INVALID, violation, status, null, null);
            }
        }
        return AttemptResult.success(response);
    }

    /**
     * Gives {@code response} its body from memory. Transfer-Encoding no longer applies; a Content-Length is kept
     * when it matches the body, or when there is no body (the answer to a HEAD, a 304: it describes the
     * representation), and dropped otherwise (the entity says the length).
     */
    private void buffered(ClassicHttpResponse response, byte[] body) {
        if (response.containsHeader(HttpHeaders.TRANSFER_ENCODING)) {
            response.removeHeaders(HttpHeaders.TRANSFER_ENCODING);
        }
        Header length = response.getFirstHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && body.length > 0 && !declares(length.getValue(), body.length)) {
            response.removeHeaders(HttpHeaders.CONTENT_LENGTH);
        }
        Header type = response.getFirstHeader(HttpHeaders.CONTENT_TYPE);
        response.setEntity(new BufferedEntity(body, type == null ? null : contentType(type.getValue())));
    }

    /** Whether {@code value} is the decimal number {@code n} (compared without building a string). */
    static boolean declares(String value, int n) {
        long parsed = 0;
        int len = value.length();
        if (len == 0 || len > 10) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            parsed = parsed * 10 + (c - '0');
        }
        return parsed == n;
    }

    private record ParsedType(String header, String normalized) {
    }

    /**
     * The Content-Type as HttpClient's entities carry it (parsed leniently and formatted back), or null when
     * malformed. The last one is kept: one upstream mostly answers with one type.
     */
    private String contentType(String ct) {
        ParsedType cached = lastType;
        if (cached != null && cached.header().equals(ct)) {
            return cached.normalized();
        }
        String normalized;
        try {
            ContentType type = ContentType.parseLenient(ct);
            normalized = type == null ? null : type.toString();
        } catch (RuntimeException malformed) {
            normalized = null;
        }
        lastType = new ParsedType(ct, normalized);
        return normalized;
    }

    private static AttemptResult timedOut(boolean responseStarted, Throwable cause) {
        return AttemptResult.failure(new Classification(FailureKind.HTTP_RESPONSE_TIMEOUT,
                responseStarted ? "response body not complete in time" : "no response in time"), 0, null, cause,
                false, true);
    }

    private static AttemptResult fail(FailureKind kind, String details, int status, Duration retryAfter,
            Throwable cause) {
        return AttemptResult.failure(new Classification(kind, details), status, retryAfter, cause, false, false);
    }

    /** Timeouts of this attempt: each wait cut to the attempt's budget, which is already cut to the deadline. */
    private RequestConfig attemptConfig(RequestConfig base, long budgetNanos) {
        long budgetMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(budgetNanos));
        AttemptConfig cached = lastConfig;
        if (cached != null && cached.base() == base && cached.budgetMillis() == budgetMillis) {
            return cached.config();
        }
        RequestConfig.Builder b = base == null ? RequestConfig.custom() : RequestConfig.copy(base);
        RequestConfig config = connectTimeout(b, Math.min(connectMillis, budgetMillis))
                .setConnectionRequestTimeout(Timeout.ofMilliseconds(Math.min(leaseMillis, budgetMillis)))
                .setResponseTimeout(Timeout.ofMilliseconds(budgetMillis))
                .build();
        lastConfig = new AttemptConfig(base, budgetMillis, config);
        return config;
    }

    // RequestConfig's connect timeout is deprecated in favour of ConnectionConfig, but it is the only per-request
    // one, and HttpClient still honours it over the pool's (InternalExecRuntime.connectEndpoint).
    @SuppressWarnings("deprecation")
    private static RequestConfig.Builder connectTimeout(RequestConfig.Builder b, long millis) {
        return b.setConnectTimeout(Timeout.ofMilliseconds(millis));
    }

    private void propagateHeaders(ClassicHttpRequest request, RequestContext rc, long budgetNanos) {
        String correlationId = rc == null ? null : rc.correlationId();
        if (correlationId == null) {
            correlationId = org.slf4j.MDC.get(MDC_KEY);
        }
        if (policy.correlationHeader() != null && correlationId != null
                && !request.containsHeader(policy.correlationHeader())) {
            request.setHeader(policy.correlationHeader(), correlationId);
        }
        if (policy.deadlineHeader() != null) {
            request.setHeader(deadlineHeader(budgetNanos));
        }
        if (policy.propagateTraceparent() && !request.containsHeader("traceparent")) {
            String traceparent = Traceparent.forRequest(rc == null ? null : rc.traceparent(), correlationId,
                    ThreadLocalRandom.current());
            if (traceparent != null) {
                request.setHeader("traceparent", traceparent);
            }
        }
    }

    /** The remaining-budget header for {@code budgetNanos} (its value depends only on the whole milliseconds). */
    private Header deadlineHeader(long budgetNanos) {
        long millis = TimeUnit.NANOSECONDS.toMillis(budgetNanos);
        DeadlineValue cached = lastDeadline;
        if (cached != null && cached.millis() == millis) {
            return cached.header();
        }
        String name = policy.deadlineHeader();
        Header header = new BasicHeader(name, DeadlineHeader.format(name, Duration.ofNanos(budgetNanos)));
        lastDeadline = new DeadlineValue(millis, header);
        return header;
    }

    /**
     * Returns the connection to the pool after a complete read; otherwise closes it first, because closing a
     * response with unread content would drain it (unbounded, after the watchdog is gone).
     */
    private static void release(ExecChain.Scope scope, ClassicHttpResponse response, boolean bodyComplete) {
        if (!bodyComplete) {
            scope.execRuntime.discardEndpoint();
        }
        try {
            response.close();
        } catch (IOException | RuntimeException ignored) {
            scope.execRuntime.discardEndpoint();
        }
    }
}
