package dev.upstreamguard.core.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A healthy upstream on embedded Jetty 12, bound to 127.0.0.1 on a random port. Answers every request with
 * {@code status}, {@code contentType} and {@code body}, and records each request's headers.
 */
public final class JettyUpstream implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;
    private final List<HttpFields> requestHeaders = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile int status = 200;
    private volatile String contentType = "application/json";
    private volatile String body = "{\"ok\":true}";

    private JettyUpstream() throws Exception {
        server = new Server();
        connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                requests.incrementAndGet();
                requestHeaders.add(request.getHeaders().asImmutable());
                response.setStatus(status);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
                Content.Sink.write(response, true, body == null ? "" : body, callback);
                return true;
            }
        });
        server.start();
    }

    /** Starts a server answering 200 {@code {"ok":true}} as application/json. */
    public static JettyUpstream start() throws Exception {
        return new JettyUpstream();
    }

    /** Changes what the server answers. */
    public JettyUpstream answer(int status, String contentType, String body) {
        this.status = status;
        this.contentType = contentType;
        this.body = body;
        return this;
    }

    public String baseUri() {
        return "http://127.0.0.1:" + connector.getLocalPort();
    }

    public int requestCount() {
        return requests.get();
    }

    /** Headers of the last request, or null. */
    public HttpFields lastRequestHeaders() {
        return requestHeaders.isEmpty() ? null : requestHeaders.get(requestHeaders.size() - 1);
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
