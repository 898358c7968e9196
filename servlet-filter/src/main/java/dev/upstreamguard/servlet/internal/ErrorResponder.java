package dev.upstreamguard.servlet.internal;

import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.servlet.UpstreamGuardConfig;
import dev.upstreamguard.servlet.spi.ErrorRenderer;
import dev.upstreamguard.servlet.spi.ErrorView;
import io.micrometer.core.instrument.Counter;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes error responses: picks the representation by {@code Accept}, sets status and headers, writes the body,
 * counts it and logs one line. Everything that does not depend on the request is prepared once.
 */
public final class ErrorResponder {
    /** The filter's logger: one line per rendered error, one per failure after commit. */
    public static final Logger LOG = LoggerFactory.getLogger("dev.upstreamguard.servlet.UpstreamGuardFilter");
    /** The counter of rendered error responses. */
    public static final String METRIC = "upstream.guard.error.responses";

    private final UpstreamGuardConfig config;
    private final ErrorViews views;
    private final ErrorRenderer[] renderers;
    private final String[] contentTypes;
    private final MediaTypeNegotiator negotiator;
    private final ErrorRenderer fallback = new PlainTextRenderer();
    private final Map<Integer, Counter> counters = new ConcurrentHashMap<>();

    /** A responder for {@code config}; reads the templates with {@code loader}. */
    public ErrorResponder(UpstreamGuardConfig config, ClassLoader loader) {
        this.config = config;
        this.views = new ErrorViews(config);
        Map<String, ErrorRenderer> byType = new LinkedHashMap<>();
        byType.put("application/problem+json", new ProblemJsonRenderer(config.problemTypeBase()));
        byType.put("text/html", new HtmlErrorRenderer(ErrorTemplates.load(config.templateLocations(), loader)));
        byType.put("text/plain", fallback);
        config.renderers().forEach(r -> byType.put(r.mediaType(), r));
        List<ErrorRenderer> ordered = new ArrayList<>(byType.size());
        ordered.add(byType.remove(config.defaultMediaType()));
        ordered.addAll(byType.values());
        this.renderers = ordered.toArray(new ErrorRenderer[0]);
        this.contentTypes = new String[renderers.length];
        List<String> types = new ArrayList<>(renderers.length);
        for (int i = 0; i < renderers.length; i++) {
            types.add(renderers[i].mediaType());
            contentTypes[i] = renderers[i].mediaType() + ";charset=utf-8";
        }
        this.negotiator = new MediaTypeNegotiator(types);
    }

    /** Answers {@code e} on {@code res}, which must not be committed. */
    public void respond(HttpServletRequest req, HttpServletResponse res, String correlationId, UpstreamException e) {
        ErrorView view = views.of(e, correlationId, originalUri(req));
        Rendered body = render(req, view);
        res.reset(); // throws IllegalStateException if the response was committed meanwhile
        // Logged and counted before the body is written: the line exists even if the client is gone.
        count(view);
        LOG.warn("upstream error response: correlationId={} status={} kind={} upstream={} attempts={} elapsedMs={}"
                        + " mediaType={} source=exception", correlationId, view.status(), e.kind().tagValue(),
                e.upstream(), e.attempts(), e.elapsed().toMillis(), body.mediaType());
        if (config.proxyStatusEnabled()) {
            res.setHeader("Proxy-Status", e.proxyStatus(config.proxyName()));
        }
        send(res, view, body);
    }

    /** Answers the application's {@code sendError(status)}, keeping the headers it set (such as Retry-After). */
    public void respondToSendError(HttpServletRequest req, HttpServletResponse res, String correlationId, int status) {
        ErrorView view = views.ofStatus(status, retryAfterHeader(res.getHeader("Retry-After")), correlationId,
                originalUri(req));
        Rendered body = render(req, view);
        res.resetBuffer();
        count(view);
        LOG.warn("upstream error response: correlationId={} status={} kind=none upstream=none attempts=0 elapsedMs=0"
                + " mediaType={} source=sendError", correlationId, status, body.mediaType());
        send(res, view, body);
    }

    /** Logs a failure that arrived after the response was committed; the caller then aborts the response. */
    public void logCommitted(String correlationId, UpstreamException e) {
        LOG.warn("upstream failure after the response was committed; aborting the response: correlationId={}"
                        + " status={} kind={} upstream={} attempts={} elapsedMs={}", correlationId, e.status(),
                e.kind().tagValue(), e.upstream(), e.attempts(), e.elapsed().toMillis());
    }

    private record Rendered(String contentType, String body) {
        String mediaType() {
            return contentType.substring(0, contentType.indexOf(';'));
        }
    }

    private Rendered render(HttpServletRequest req, ErrorView view) {
        int chosen = negotiator.select(accept(req));
        try {
            return new Rendered(contentTypes[chosen], renderers[chosen].render(view));
        } catch (RuntimeException failed) {
            LOG.warn("error renderer {} failed; answering text/plain", renderers[chosen].getClass().getName(), failed);
            return new Rendered("text/plain;charset=utf-8", fallback.render(view));
        }
    }

    private void send(HttpServletResponse res, ErrorView view, Rendered rendered) {
        res.setStatus(view.status());
        res.setHeader(config.responseHeader(), view.correlationId());
        res.setHeader("Cache-Control", "no-store");
        res.setHeader("Vary", "Accept");
        res.setHeader("X-Content-Type-Options", "nosniff");
        if (view.retryAfter() != null) {
            res.setHeader("Retry-After", Long.toString(Wording.seconds(view.retryAfter())));
        }
        res.setContentType(rendered.contentType());
        byte[] bytes = rendered.body().getBytes(StandardCharsets.UTF_8);
        res.setContentLength(bytes.length);
        try {
            try {
                res.getOutputStream().write(bytes);
            } catch (IllegalStateException writerInUse) {
                PrintWriter writer = res.getWriter();
                writer.write(rendered.body());
                writer.flush();
            }
        } catch (IOException clientGone) {
            LOG.debug("client went away while the error response was written: correlationId={}",
                    view.correlationId(), clientGone);
        }
    }

    private void count(ErrorView view) {
        FailureKind kind = view.kind();
        int key = view.status() * 64 + (kind == null ? 63 : kind.ordinal());
        counters.computeIfAbsent(key, k -> Counter.builder(METRIC)
                .description("Error responses rendered by the Upstream Guard filter")
                .tag("status", Integer.toString(view.status()))
                .tag("kind", kind == null ? "none" : kind.tagValue())
                .register(config.meterRegistry())).increment();
    }

    /** The path the client asked for, also on an async, error or forward dispatch. */
    private static String originalUri(HttpServletRequest req) {
        String attribute = switch (req.getDispatcherType()) {
            case ERROR -> RequestDispatcher.ERROR_REQUEST_URI;
            case ASYNC -> AsyncContext.ASYNC_REQUEST_URI;
            case FORWARD -> RequestDispatcher.FORWARD_REQUEST_URI;
            default -> null;
        };
        Object original = attribute == null ? null : req.getAttribute(attribute);
        return original instanceof String uri ? uri : req.getRequestURI();
    }

    /** Every {@code Accept} field line, joined (a client may send several). */
    private static String accept(HttpServletRequest req) {
        Enumeration<String> lines = req.getHeaders("Accept");
        if (lines == null || !lines.hasMoreElements()) {
            return null;
        }
        String first = lines.nextElement();
        if (!lines.hasMoreElements()) {
            return first;
        }
        StringBuilder all = new StringBuilder(first);
        for (int i = 0; i < 16 && lines.hasMoreElements(); i++) {
            all.append(',').append(lines.nextElement());
        }
        return all.toString();
    }

    /** Seconds from a {@code Retry-After} header (delta-seconds only), or null. */
    static Duration retryAfterHeader(String value) {
        if (value == null || value.isEmpty() || value.length() > 9) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return null;
            }
        }
        return Duration.ofSeconds(Long.parseLong(value));
    }
}
