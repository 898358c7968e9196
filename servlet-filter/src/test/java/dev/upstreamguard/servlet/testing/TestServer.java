package dev.upstreamguard.servlet.testing;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** An embedded Jetty 12 (ee10) on a random loopback port, with the filter and the test's servlets. */
public final class TestServer implements AutoCloseable {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A servlet body. */
    @FunctionalInterface
    public interface Handler {
        void handle(HttpServletRequest request, HttpServletResponse response) throws Exception;
    }

    private final Server server;
    private final int port;

    private TestServer(Server server, int port) {
        this.server = server;
        this.port = port;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int port() {
        return port;
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    /** GET with headers given as name, value pairs. */
    public HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not stop", e);
        }
    }

    public static final class Builder {
        private final List<Filter> outerFilters = new ArrayList<>();
        private Filter filter;
        private Map<String, String> initParams;
        private final Map<String, HttpServlet> servlets = new LinkedHashMap<>();
        private boolean lenientUris;
        private EnumSet<DispatcherType> dispatches = EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC,
                DispatcherType.ERROR);
        private final List<jakarta.servlet.ServletContextListener> listeners = new ArrayList<>();
        private String errorPage;
        private java.nio.file.Path webApp;

        /** A probe filter in front of the guard filter. */
        public Builder outerFilter(Filter outer) {
            outerFilters.add(outer);
            return this;
        }

        /** The guard filter, registered programmatically. */
        public Builder filter(Filter guard) {
            this.filter = guard;
            return this;
        }

        /** The guard filter, registered by class name with init-params, as in web.xml. */
        public Builder filterClassWithInitParams(Map<String, String> params) {
            this.initParams = params;
            return this;
        }

        public Builder servlet(String path, Handler handler) {
            servlets.put(path, new HttpServlet() {
                private static final long serialVersionUID = 1L;

                @Override
                protected void service(HttpServletRequest req, HttpServletResponse res)
                        throws ServletException, IOException {
                    try {
                        handler.handle(req, res);
                    } catch (IOException | ServletException | RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new ServletException(e);
                    }
                }
            });
            return this;
        }

        public Builder servlet(String path, HttpServlet servlet) {
            servlets.put(path, servlet);
            return this;
        }

        /** The dispatcher types the filters are mapped for (default REQUEST, ASYNC, ERROR). */
        public Builder dispatcherTypes(EnumSet<DispatcherType> types) {
            this.dispatches = types;
            return this;
        }

        /** A listener that can register filters programmatically, as an application's initializer would. */
        public Builder contextListener(jakarta.servlet.ServletContextListener listener) {
            listeners.add(listener);
            return this;
        }

        /** Maps every 4xx/5xx to an error page at {@code path}, as Spring Boot does with /error. */
        public Builder errorPage(String path) {
            this.errorPage = path;
            return this;
        }

        /** Deploys {@code dir} (with WEB-INF/web.xml) as a web application, as a servlet container would. */
        public Builder webApp(java.nio.file.Path dir) {
            this.webApp = dir;
            return this;
        }

        /** Lets raw-socket tests send characters that strict URI parsing rejects (to test escaping). */
        public Builder lenientUris() {
            this.lenientUris = true;
            return this;
        }

        public TestServer start() throws Exception {
            Server server = new Server();
            HttpConfiguration http = new HttpConfiguration();
            http.setRequestHeaderSize(128 * 1024);
            http.setSendServerVersion(false);
            if (lenientUris) {
                http.setUriCompliance(UriCompliance.UNSAFE);
            }
            ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            ServletContextHandler context;
            if (webApp != null) {
                org.eclipse.jetty.ee10.webapp.WebAppContext app = new org.eclipse.jetty.ee10.webapp.WebAppContext();
                app.setContextPath("/");
                app.setBaseResourceAsPath(webApp);
                app.setParentLoaderPriority(true);
                context = app;
            } else {
                context = new ServletContextHandler("/");
            }
            listeners.forEach(context::addEventListener);
            if (errorPage != null) {
                org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler errors =
                        new org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler();
                errors.addErrorPage(400, 599, errorPage);
                context.setErrorHandler(errors);
            }
            for (Filter outer : outerFilters) {
                context.addFilter(new FilterHolder(outer), "/*", dispatches);
            }
            if (filter != null) {
                context.addFilter(new FilterHolder(filter), "/*", dispatches);
            } else if (initParams != null) {
                FilterHolder holder = new FilterHolder(dev.upstreamguard.servlet.UpstreamGuardFilter.class);
                holder.setName("upstreamGuard");
                initParams.forEach(holder::setInitParameter);
                context.addFilter(holder, "/*", dispatches);
            }
            servlets.forEach((path, servlet) -> {
                ServletHolder holder = new ServletHolder(servlet);
                holder.setAsyncSupported(true);
                context.addServlet(holder, path);
            });
            server.setHandler(context);
            server.start();
            return new TestServer(server, connector.getLocalPort());
        }
    }
}
