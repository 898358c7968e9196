package dev.upstreamguard.examples.gateway;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /demo/<route>}: one call to the route's upstream, its answer copied back. Failures propagate as
 * {@code UpstreamException} and become the filter's 502/503/504 page. Answers 404 for an unknown route, and for
 * every route when the built-in upstream is not running.
 */
@RestController
class DemoController {
    private final Map<String, Upstream> upstreams;

    DemoController(ObjectProvider<Upstream> upstreams) {
        this.upstreams = upstreams.orderedStream().collect(Collectors.toMap(Upstream::name, Function.identity()));
    }

    @GetMapping("/demo/{name}")
    void call(@PathVariable String name, HttpServletResponse response) throws IOException {
        DemoRoute route = DemoRoute.byName(name);
        Upstream upstream = route == null ? null : upstreams.get(route.routeName());
        if (upstream == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        UpstreamResponse answer = upstream.execute(ClassicRequestBuilder.get(route.path()).build());
        response.setStatus(answer.status());
        if (answer.contentType() != null) {
            response.setContentType(answer.contentType());
        }
        response.setContentLength(answer.body().length);
        response.getOutputStream().write(answer.body());
    }
}
