package dev.upstreamguard.examples.plain;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.servlet.UpstreamGuardConfig;
import dev.upstreamguard.servlet.UpstreamGuardFilter;
import jakarta.servlet.DispatcherType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Upstream Guard without Spring: embedded Jetty 12, the filter registered by hand, and two {@link Upstream}s
 * called directly from a servlet. {@code /healthy/...} reaches a working upstream; {@code /broken/...} one that
 * refuses connections, so the filter answers with its 502 page.
 *
 * <pre>java -jar examples/plain-servlet/target/plain-servlet.jar [--port=8081]</pre>
 */
public final class PlainServletApp implements AutoCloseable {
    private final Server server;
    private final List<AutoCloseable> resources = new ArrayList<>();

    private PlainServletApp(int port) throws Exception {
        FaultyUpstream healthy = FaultyUpstream.start(Fault.ok("application/json", "{\"message\":\"hello from upstream\"}"));
        resources.add(healthy);
        UpstreamPolicy policy = UpstreamPolicy.builder()
                .requestTimeout(Duration.ofSeconds(5))
                .attemptTimeout(Duration.ofSeconds(2))
                .connectTimeout(Duration.ofMillis(500))
                .build();
        Upstream working = Upstream.builder("catalog").baseUri(healthy.baseUri()).policy(policy).build();
        Upstream refusing = Upstream.builder("inventory")
                .baseUri("http://127.0.0.1:" + FaultyUpstream.refusedPort()).policy(policy).build();
        resources.add(working);
        resources.add(refusing);

        ServletContextHandler context = new ServletContextHandler();
        UpstreamGuardFilter filter = new UpstreamGuardFilter(UpstreamGuardConfig.builder()
                .requestTimeout(Duration.ofSeconds(5))
                .siteName("Plain servlet example")
                .build());
        context.addFilter(new FilterHolder(filter), "/*",
                EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR));
        context.addServlet(new ServletHolder(new ForwardingServlet(working)), "/healthy/*");
        context.addServlet(new ServletHolder(new ForwardingServlet(refusing)), "/broken/*");

        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(context);
        server.start();
    }

    /** Starts the example on {@code port} (0 for a random one) of 127.0.0.1. */
    public static PlainServletApp start(int port) throws Exception {
        return new PlainServletApp(port);
    }

    /** The port it listens on. */
    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
        for (AutoCloseable r : resources) {
            r.close();
        }
    }

    public static void main(String[] args) throws Exception {
        int port = 8081;
        for (String arg : args) {
            if (arg.startsWith("--port=")) {
                port = Integer.parseInt(arg.substring("--port=".length()));
            } else {
                System.err.println("usage: java -jar plain-servlet.jar [--port=8081]");
                System.exit(2);
            }
        }
        PlainServletApp app = start(port);
        System.out.println("Plain servlet example on http://127.0.0.1:" + app.port()
                + "/healthy/items (200) and /broken/items (502 page)");
        app.server.join();
    }
}
