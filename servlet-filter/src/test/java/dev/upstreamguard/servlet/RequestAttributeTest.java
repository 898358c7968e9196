package dev.upstreamguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.servlet.testing.TestServer;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServletRequest;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The correlation-ID attribute: the application always reads it through the request it gets; the container's own
 * request carries it whenever the request will be seen again after the filter returns (async, error dispatch,
 * sendError) or attributes are changed or listed.
 */
class RequestAttributeTest {
    private static final String ATTRIBUTE = UpstreamGuardFilter.CORRELATION_ID_ATTRIBUTE;
    /** What an outer filter read from the container's request after the chain returned, by request ID. */
    private static final Map<String, String> SEEN_OUTSIDE = new ConcurrentHashMap<>();
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        Filter outer = (req, res, chain) -> {
            chain.doFilter(req, res);
            String key = ((HttpServletRequest) req).getHeader("X-Request-ID");
            Object value = req.getAttribute(ATTRIBUTE);
            if (key != null && ((HttpServletRequest) req).getDispatcherType() == jakarta.servlet.DispatcherType.REQUEST) {
                SEEN_OUTSIDE.put(key, String.valueOf(value));
            }
        };
        server = TestServer.builder()
                .outerFilter(outer)
                .filter(new UpstreamGuardFilter(UpstreamGuardConfig.ofDefaults()))
                .servlet("/read", (req, res) -> res.getWriter().print(req.getAttribute(ATTRIBUTE) + "|"
                        + Collections.list(req.getAttributeNames()).contains(ATTRIBUTE)))
                .servlet("/container", (req, res) -> {
                    req.setAttribute("app.value", "x"); // code changing attributes: the container's request has it
                    Object inner = ((ServletRequestWrapper) req).getRequest().getAttribute(ATTRIBUTE);
                    res.getWriter().print(String.valueOf(inner));
                })
                .servlet("/async", (req, res) -> {
                    AsyncContext async = req.startAsync();
                    async.start(() -> {
                        try {
                            HttpServletRequest seen = (HttpServletRequest) async.getRequest();
                            async.getResponse().getWriter().print(RequestCorrelation.correlationId(seen));
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        } finally {
                            async.complete();
                        }
                    });
                })
                .servlet("/not-found", (req, res) -> res.sendError(404))
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void applicationReadsTheIdFromTheRequestItGets() {
        HttpResponse<String> r = server.get("/read", "X-Request-ID", "attr-read-1");
        assertThat(r.body()).isEqualTo("attr-read-1|true");
    }

    @Test
    void containersRequestCarriesTheIdOnceAttributesChange() {
        HttpResponse<String> r = server.get("/container", "X-Request-ID", "attr-set-1");
        assertThat(r.body()).isEqualTo("attr-set-1");
        assertThat(SEEN_OUTSIDE.get("attr-set-1")).isEqualTo("attr-set-1");
    }

    @Test
    void asyncThreadFindsTheIdOnTheRequestOfItsAsyncContext() {
        HttpResponse<String> r = server.get("/async", "X-Request-ID", "attr-async-1");
        assertThat(r.body()).isEqualTo("attr-async-1");
    }

    @Test
    void sendErrorLeavesTheIdOnTheContainersRequestForTheErrorDispatch() {
        HttpResponse<String> r = server.get("/not-found", "X-Request-ID", "attr-404-1");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("X-Request-ID")).hasValue("attr-404-1");
        assertThat(SEEN_OUTSIDE.get("attr-404-1")).isEqualTo("attr-404-1");
    }
}
