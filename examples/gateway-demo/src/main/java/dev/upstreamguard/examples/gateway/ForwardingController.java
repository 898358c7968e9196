package dev.upstreamguard.examples.gateway;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.StreamedResponse;
import dev.upstreamguard.core.deadline.RequestContext;
import dev.upstreamguard.servlet.UpstreamGuardConfig;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * Forwards {@code /api/**}, any method, to the {@code backend} upstream at the same path without {@code /api}:
 * query string, body and end-to-end headers as received, hop-by-hop headers dropped. The correlation ID, the
 * remaining deadline and a {@code traceparent} are added by the upstream's policy.
 *
 * <p>Both bodies stream. The answer is relayed as it arrives ({@code Upstream.stream}), a read buffer at a time:
 * blocking writes to a slow client hold back the reads from the upstream (back-pressure), and what has arrived is
 * flushed whenever nothing more is waiting, so server-sent events pass one by one. The request body streams upward
 * when the call will not be retried (a POST or PATCH without {@code Idempotency-Key}); a request that may be
 * retried needs its body again, so it is buffered (up to {@link #MAX_REQUEST_BODY}, else 413), as is a small
 * chunked body (sent with its length). A streamed body is bounded by the upstream's stall timeout, not by the
 * request's deadline (which would cut every download and event stream longer than it).
 *
 * <p>A failed call is not caught: the {@code UpstreamException} propagates, and Upstream Guard's filter answers
 * with its 502/503/504 page, or, when the body broke after the answer started, aborts the response so that the
 * client sees a broken transfer. Whether a failed call is retried is the policy's decision (idempotent methods
 * only). The {@code /demo/**} routes, which validate bodies, stay buffered.
 */
@RestController
class ForwardingController {
    /** The largest request body buffered; a larger one is answered 413. */
    static final int MAX_REQUEST_BODY = 16 * 1024 * 1024;
    private static final String PREFIX = "/api";
    private static final Set<String> EXPECTS_CONTENT = Set.of("POST", "PUT", "PATCH");
    private static final Set<String> NOT_IDEMPOTENT = Set.of("POST", "PATCH");
    /** A chunked request body up to this size is sent with its length; a larger one streams (chunked). */
    private static final int SMALL_CHUNKED_BODY = 64 * 1024;
    private static final int RELAY_BUFFER = 64 * 1024;
    private static final HttpEntity EMPTY = new ByteArrayEntity(new byte[0], null);
    private static final HttpEntity TOO_LARGE = new ByteArrayEntity(new byte[0], null);

    private final Upstream backend;
    private final String responseCorrelationHeader;

    ForwardingController(@Qualifier(BuiltInUpstream.BACKEND) Upstream backend, UpstreamGuardConfig filterConfig) {
        this.backend = backend;
        this.responseCorrelationHeader = filterConfig.responseHeader();
    }

    @RequestMapping(path = PREFIX + "/**", method = { RequestMethod.GET, RequestMethod.HEAD,
            RequestMethod.POST, RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE, RequestMethod.OPTIONS })
    void forward(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpEntity body = requestBody(request);
        if (body == TOO_LARGE) {
            response.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
            return;
        }
        // A relayed body lives as long as the transfer (a download, an event stream), not the request's deadline:
        // the call runs without it, so the policy's request timeout bounds the head and the stall timeout the body.
        RequestContext rc = RequestContext.current();
        try (RequestContext.Scope withoutDeadline = rc == null ? null : rc.withDeadline(null).attach();
                StreamedResponse answer = backend.stream(outgoing(request, body))) {
            copyBack(request, answer, response);
        }
    }

    private ClassicHttpRequest outgoing(HttpServletRequest request, HttpEntity body) {
        BasicClassicHttpRequest out = new BasicClassicHttpRequest(request.getMethod(), targetOf(request));
        // HttpClient sets Host and Content-Length; Expect was answered here. The policy sets the correlation ID
        // (the one the filter validated, not the raw incoming header) and a child traceparent.
        HopByHop dropped = HopByHop.of(Collections.list(request.getHeaders("Connection")),
                List.of("Host", "Content-Length", "Expect", nullToEmpty(backend.policy().correlationHeader()),
                        backend.policy().propagateTraceparent() ? "traceparent" : ""));
        for (String name : Collections.list(request.getHeaderNames())) {
            if (!dropped.drops(name)) {
                for (String value : Collections.list(request.getHeaders(name))) {
                    out.addHeader(name, value);
                }
            }
        }
        // An empty body is sent as such (Content-Length: 0) only where the method expects content: HttpClient
        // rejects, for example, an OPTIONS request with content but no Content-Type.
        if (body != null && (body.getContentLength() != 0 || EXPECTS_CONTENT.contains(request.getMethod()))) {
            out.setEntity(body);
        }
        return out;
    }

    /** The path after {@code /api} (at least {@code /}), raw as received, with the raw query string. */
    static String targetOf(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length() + PREFIX.length());
        if (path.isEmpty() || path.charAt(0) != '/') {
            path = "/" + path;
        }
        String query = request.getQueryString();
        return query == null ? path : path + "?" + query;
    }

    private void copyBack(HttpServletRequest request, StreamedResponse answer, HttpServletResponse response)
            throws IOException {
        List<String> connection = new ArrayList<>();
        for (Header h : answer.headers()) {
            if (h.getName().equalsIgnoreCase("Connection")) {
                connection.add(h.getValue());
            }
        }
        // The filter already set the correlation ID header; Content-Length is set below, from the upstream's.
        HopByHop dropped = HopByHop.of(connection, List.of("Content-Length", responseCorrelationHeader));
        response.setStatus(answer.status());
        for (Header h : answer.headers()) {
            if (!dropped.drops(h.getName())) {
                response.addHeader(h.getName(), h.getValue());
            }
        }
        if ("HEAD".equals(request.getMethod())) {
            return;
        }
        if (answer.contentLength() >= 0) {
            // Declared, so that a body broken halfway ends short of it: the client sees a broken transfer.
            response.setContentLengthLong(answer.contentLength());
        }
        relay(answer.body(), response.getOutputStream());
    }

    /**
     * Copies {@code in} to {@code out} as it arrives, flushing whenever nothing more is waiting. A failed read
     * (the upstream broke the body) or write (the client went away) ends the copy; closing the upstream response
     * then closes its connection.
     */
    static long relay(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[RELAY_BUFFER];
        long total = 0;
        for (int n; (n = in.read(buf)) >= 0; ) {
            out.write(buf, 0, n);
            total += n;
            if (in.available() == 0) {
                out.flush();
            }
        }
        out.flush();
        return total;
    }

    /**
     * The body to send upward: {@code null} when the request has none, {@link #TOO_LARGE} when a body that must be
     * buffered is too large, a stream when the call will not be retried, else the buffered body.
     */
    private static HttpEntity requestBody(HttpServletRequest request) throws IOException {
        long declared = request.getContentLengthLong();
        boolean chunked = declared < 0 && request.getHeader("Transfer-Encoding") != null;
        if (declared <= 0 && !chunked) {
            return declared == 0 || EXPECTS_CONTENT.contains(request.getMethod()) ? EMPTY : null;
        }
        // What the policy may send twice (idempotent methods, or an Idempotency-Key) needs a repeatable body.
        boolean retried = !NOT_IDEMPOTENT.contains(request.getMethod()) || request.getHeader("Idempotency-Key") != null;
        InputStream in = request.getInputStream();
        if (!retried && declared > 0) {
            return new InputStreamEntity(in, declared, null); // streams upward, sent with its length
        }
        int limit = retried ? MAX_REQUEST_BODY : SMALL_CHUNKED_BODY;
        if (declared > limit && retried) {
            return TOO_LARGE;
        }
        byte[] start = in.readNBytes(limit + 1);
        if (start.length <= limit) {
            return new ByteArrayEntity(start, null);
        }
        if (retried) {
            return TOO_LARGE;
        }
        // A large chunked body that will not be retried: what was read, then the rest as it arrives (chunked).
        return new InputStreamEntity(new SequenceInputStream(new ByteArrayInputStream(start), in), -1, null);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
