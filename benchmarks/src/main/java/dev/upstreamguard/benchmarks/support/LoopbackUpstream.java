package dev.upstreamguard.benchmarks.support;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * An upstream on embedded Jetty 12 at 127.0.0.1: every request is answered at once with a fixed status and a
 * two-byte body, with a Content-Length, on a kept-alive connection. Counts the requests it answers.
 */
public final class LoopbackUpstream implements AutoCloseable {
    private static final byte[] BODY = "ok".getBytes(StandardCharsets.US_ASCII);

    private final Server server;
    private final AtomicLong requests = new AtomicLong();

    private LoopbackUpstream(int status, int maxThreads) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(maxThreads, Math.min(8, maxThreads));
        threads.setName("upstream");
        server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                requests.incrementAndGet();
                response.setStatus(status);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, BODY.length);
                response.write(true, ByteBuffer.wrap(BODY), callback);
                return true;
            }
        });
        server.start();
    }

    /** An upstream answering 200 "ok". */
    public static LoopbackUpstream healthy() throws Exception {
        return new LoopbackUpstream(200, 200);
    }

    /** An upstream answering {@code status} (e.g. 503) to every request, with no Retry-After. */
    public static LoopbackUpstream failing(int status) throws Exception {
        return new LoopbackUpstream(status, 200);
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String baseUri() {
        return "http://127.0.0.1:" + port();
    }

    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** Requests answered so far. */
    public long requests() {
        return requests.get();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
