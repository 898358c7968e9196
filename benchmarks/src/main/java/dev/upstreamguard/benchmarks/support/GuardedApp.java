package dev.upstreamguard.benchmarks.support;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.servlet.UpstreamGuardConfig;
import dev.upstreamguard.servlet.UpstreamGuardFilter;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The application under load, on embedded Jetty 12 (ee10) at 127.0.0.1, as in the plain-servlet example:
 * <ul>
 *   <li>{@code /plain/*}: a zero-work servlet (writes "ok"), no filter;</li>
 *   <li>{@code /guarded/*}: the same servlet behind {@link UpstreamGuardFilter} with its default configuration;</li>
 *   <li>{@code /broken/*}: behind the filter, a servlet calling an {@link Upstream} whose circuit breaker is open,
 *       so every request is answered by the filter's 503 page without touching the network.</li>
 * </ul>
 */
public final class GuardedApp implements AutoCloseable {
    private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);

    private final Server server;
    private final Upstream broken;

    public GuardedApp() throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("app");
        server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);

        // Its breaker is opened below and stays open for an hour: the upstream's address is never contacted.
        UpstreamPolicy policy = UpstreamPolicy.builder()
                .circuitBreaker(CircuitBreakerConfig.from(UpstreamPolicy.ofDefaults().circuitBreakerConfig())
                        .waitDurationInOpenState(Duration.ofHours(1)).build())
                .build();
        broken = Upstream.builder("inventory").baseUri("http://127.0.0.1:" + unusedPort()).policy(policy).build();
        broken.circuitBreaker().transitionToOpenState();

        ContextHandlerCollection contexts = new ContextHandlerCollection();
        contexts.addHandler(context("/plain", false, new ZeroWork()));
        contexts.addHandler(context("/guarded", true, new ZeroWork()));
        contexts.addHandler(context("/broken", true, new Forwarding(broken)));
        server.setHandler(contexts);
        server.start();
    }

    private static Handler context(String path, boolean guarded, HttpServlet servlet) {
        ServletContextHandler context = new ServletContextHandler(path);
        if (guarded) {
            UpstreamGuardFilter filter = new UpstreamGuardFilter(UpstreamGuardConfig.builder()
                    .siteName("Benchmark shop").build());
            context.addFilter(new FilterHolder(filter), "/*",
                    EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR));
        }
        context.addServlet(new ServletHolder(servlet), "/*");
        return context;
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
        broken.close();
    }

    /** Answers "ok" and nothing else. */
    static final class ZeroWork extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.setContentLength(OK.length);
            resp.getOutputStream().write(OK);
        }
    }

    /** Calls the upstream; its UpstreamException leaves the servlet and the filter answers it. */
    static final class Forwarding extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient Upstream upstream;

        Forwarding(Upstream upstream) {
            this.upstream = upstream;
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            byte[] body = upstream.execute(new HttpGet("/items")).body();
            resp.getOutputStream().write(body);
        }
    }
}
