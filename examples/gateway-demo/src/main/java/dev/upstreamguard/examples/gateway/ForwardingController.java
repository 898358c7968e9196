package dev.upstreamguard.examples.gateway;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamResponse;
import dev.upstreamguard.servlet.UpstreamGuardConfig;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * Forwards {@code /api/**}, any method, to the {@code backend} upstream at the same path without {@code /api}:
 * query string, body and end-to-end headers as received, hop-by-hop headers dropped. The correlation ID, the
 * remaining deadline and a {@code traceparent} are added by the upstream's policy. The answer is buffered, then
 * copied back.
 *
 * <p>A failed call is not caught: the {@code UpstreamException} propagates, and Upstream Guard's filter answers
 * with its 502/503/504 page. Whether a failed call is retried is the policy's decision (idempotent methods only).
 */
@RestController
class ForwardingController {
    /** The largest request body buffered; a larger one is answered 413. */
    static final int MAX_REQUEST_BODY = 16 * 1024 * 1024;
    private static final String PREFIX = "/api";
    private static final Set<String> EXPECTS_CONTENT = Set.of("POST", "PUT", "PATCH");

    private final Upstream backend;
    private final String responseCorrelationHeader;

    ForwardingController(@Qualifier(BuiltInUpstream.BACKEND) Upstream backend, UpstreamGuardConfig filterConfig) {
        this.backend = backend;
        this.responseCorrelationHeader = filterConfig.responseHeader();
    }

    @RequestMapping(path = PREFIX + "/**", method = { RequestMethod.GET, RequestMethod.HEAD,
            RequestMethod.POST, RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE, RequestMethod.OPTIONS })
    void forward(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = readBody(request);
        if (body == null) {
            response.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
            return;
        }
        UpstreamResponse answer = backend.execute(outgoing(request, body));
        copyBack(request, answer, response);
    }

    private ClassicHttpRequest outgoing(HttpServletRequest request, byte[] body) {
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
        if (body.length > 0 || EXPECTS_CONTENT.contains(request.getMethod())) {
            out.setEntity(new ByteArrayEntity(body, null));
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

    private void copyBack(HttpServletRequest request, UpstreamResponse answer, HttpServletResponse response)
            throws IOException {
        List<String> connection = new ArrayList<>();
        for (Header h : answer.headers()) {
            if (h.getName().equalsIgnoreCase("Connection")) {
                connection.add(h.getValue());
            }
        }
        // The filter already set the correlation ID header; the container sets Content-Length.
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
        response.setContentLength(answer.body().length);
        response.getOutputStream().write(answer.body());
    }

    /** The whole request body, or {@code null} when it exceeds {@link #MAX_REQUEST_BODY}. */
    private static byte[] readBody(HttpServletRequest request) throws IOException {
        if (request.getContentLengthLong() > MAX_REQUEST_BODY) {
            return null;
        }
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes(MAX_REQUEST_BODY + 1);
            return body.length > MAX_REQUEST_BODY ? null : body;
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
