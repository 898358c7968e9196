package dev.upstreamguard.reliability;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamResponse;
import dev.upstreamguard.servlet.UpstreamGuardConfig;
import dev.upstreamguard.servlet.UpstreamGuardFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The application under test, shaped like the plain-servlet example: embedded Jetty 12 (ee10) on 127.0.0.1, the
 * {@link UpstreamGuardFilter} first in the chain, and per route {@code /<name>/*} a servlet that calls one
 * {@link Upstream} ({@code GET /items}) and copies its answer. An {@code UpstreamException} leaves the servlet and
 * the filter answers it. Each route counts its requests and its calls in flight.
 */
final class GatewayApp implements AutoCloseable {
    private final Server server;
    private final QueuedThreadPool threads;
    private final ServerConnector connector;
    private final ServerConnector lenient;
    private final Map<String, RouteStats> routes;

    private GatewayApp(Builder b) throws Exception {
        threads = new QueuedThreadPool(b.maxThreads, b.minThreads, (int) b.threadIdleTimeout.toMillis());
        threads.setName("gateway");
        threads.setMaxEvictCount(b.maxThreads); // shrink back to minThreads within one idle timeout
        server = new Server(threads);
        connector = connector(new HttpConfiguration());
        if (b.lenientConnector) {
            HttpConfiguration http = new HttpConfiguration();
            http.setUriCompliance(UriCompliance.UNSAFE);
            http.setRequestHeaderSize(64 * 1024);
            lenient = connector(http);
        } else {
            lenient = null;
        }
        ServletContextHandler context = new ServletContextHandler("/");
        EnumSet<DispatcherType> dispatches = EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC,
                DispatcherType.ERROR);
        for (Filter outer : b.outerFilters) {
            context.addFilter(new FilterHolder(outer), "/*", dispatches);
        }
        context.addFilter(new FilterHolder(new UpstreamGuardFilter(b.config)), "/*", dispatches);
        Map<String, RouteStats> stats = new LinkedHashMap<>();
        b.upstreams.forEach((name, upstream) -> {
            RouteStats s = new RouteStats();
            stats.put(name, s);
            context.addServlet(new ServletHolder(new Forwarding(upstream, s)), "/" + name + "/*");
        });
        b.servlets.forEach((path, servlet) -> context.addServlet(new ServletHolder(servlet), path));
        routes = Map.copyOf(stats);
        server.setHandler(context);
        server.start();
    }

    private ServerConnector connector(HttpConfiguration http) {
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector c = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        c.setHost("127.0.0.1");
        c.setPort(0);
        c.setAcceptQueueSize(512);
        server.addConnector(c);
        return c;
    }

    static Builder builder(UpstreamGuardConfig config) {
        return new Builder(config);
    }

    int port() {
        return connector.getLocalPort();
    }

    /** The port of the connector with lenient URI parsing and 64 KiB request headers (if built with one). */
    int lenientPort() {
        return lenient.getLocalPort();
    }

    QueuedThreadPool threadPool() {
        return threads;
    }

    RouteStats route(String name) {
        return routes.get(name);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not stop", e);
        }
    }

    /** Requests and calls in flight of one route. */
    static final class RouteStats {
        private final LongAdder requests = new LongAdder();
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicInteger maxInFlight = new AtomicInteger();

        void enter() {
            requests.increment();
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
        }

        void exit() {
            inFlight.decrementAndGet();
        }

        long requests() {
            return requests.sum();
        }

        int inFlight() {
            return inFlight.get();
        }

        /** The most calls in flight at once since the last {@link #resetMax()}. */
        int maxInFlight() {
            return maxInFlight.get();
        }

        void resetMax() {
            maxInFlight.set(inFlight.get());
        }
    }

    /** Calls the route's upstream and copies its answer; an UpstreamException is left to the filter. */
    private static final class Forwarding extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient Upstream upstream;
        private final transient RouteStats stats;

        Forwarding(Upstream upstream, RouteStats stats) {
            this.upstream = upstream;
            this.stats = stats;
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            stats.enter();
            try {
                UpstreamResponse answer = upstream.execute(ClassicRequestBuilder.get("/items").build());
                resp.setStatus(answer.status());
                if (answer.contentType() != null) {
                    resp.setContentType(answer.contentType());
                }
                resp.setContentLength(answer.body().length);
                resp.getOutputStream().write(answer.body());
            } finally {
                stats.exit();
            }
        }
    }

    static final class Builder {
        private final UpstreamGuardConfig config;
        private final Map<String, Upstream> upstreams = new LinkedHashMap<>();
        private final Map<String, HttpServlet> servlets = new LinkedHashMap<>();
        private final List<Filter> outerFilters = new ArrayList<>();
        private int minThreads = 8;
        private int maxThreads = 200;
        private Duration threadIdleTimeout = Duration.ofSeconds(60);
        private boolean lenientConnector;

        private Builder(UpstreamGuardConfig config) {
            this.config = config;
        }

        /** Route {@code /<name>/*} to {@code upstream}. */
        Builder route(String name, Upstream upstream) {
            upstreams.put(name, upstream);
            return this;
        }

        Builder servlet(String pathSpec, HttpServlet servlet) {
            servlets.put(pathSpec, servlet);
            return this;
        }

        /** A filter in front of the guard filter. */
        Builder outerFilter(Filter filter) {
            outerFilters.add(filter);
            return this;
        }

        Builder threads(int min, int max, Duration idleTimeout) {
            this.minThreads = min;
            this.maxThreads = max;
            this.threadIdleTimeout = idleTimeout;
            return this;
        }

        /** Adds a second connector with lenient URI parsing and large request headers. */
        Builder lenientConnector() {
            this.lenientConnector = true;
            return this;
        }

        GatewayApp start() throws Exception {
            return new GatewayApp(this);
        }
    }
}
