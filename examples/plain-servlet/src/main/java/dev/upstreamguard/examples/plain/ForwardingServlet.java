package dev.upstreamguard.examples.plain;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;

/**
 * Forwards a GET to one upstream and copies the answer. An {@code UpstreamException} is simply not caught: it is an
 * {@code IOException}, it leaves the servlet, and the filter turns it into a 502/503/504 page.
 */
final class ForwardingServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient Upstream upstream;

    ForwardingServlet(Upstream upstream) {
        this.upstream = upstream;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
        UpstreamResponse answer = upstream.execute(ClassicRequestBuilder.get(path).build());
        resp.setStatus(answer.status());
        if (answer.contentType() != null) {
            resp.setContentType(answer.contentType());
        }
        resp.getOutputStream().write(answer.body());
    }
}
