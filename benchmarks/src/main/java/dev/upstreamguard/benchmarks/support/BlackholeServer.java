package dev.upstreamguard.benchmarks.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;

/**
 * A loopback server that accepts connections, reads what arrives and never answers: an upstream that hangs.
 * One thread and one buffer for all connections (so that its own heap per connection is small); each connection
 * is held until the client closes it or {@link #close()} runs.
 */
public final class BlackholeServer implements AutoCloseable {
    private final ServerSocketChannel listener;
    private final Selector selector;
    private final Thread loop;
    private volatile int connections;
    private volatile boolean closed;

    public BlackholeServer() throws IOException {
        selector = Selector.open();
        listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        listener.configureBlocking(false);
        listener.register(selector, SelectionKey.OP_ACCEPT);
        loop = new Thread(this::run, "blackhole");
        loop.setDaemon(true);
        loop.start();
    }

    /** A loopback port on which nothing listens (bound and released at once). */
    public static int unusedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public String baseUri() {
        return "http://127.0.0.1:" + listener.socket().getLocalPort();
    }

    /** Connections currently open. */
    public int connections() {
        return connections;
    }

    private void run() {
        ByteBuffer sink = ByteBuffer.allocate(16384);
        try {
            while (!closed) {
                selector.select(100);
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        SocketChannel c = listener.accept();
                        if (c != null) {
                            c.configureBlocking(false);
                            c.register(selector, SelectionKey.OP_READ);
                            connections++;
                        }
                    } else if (key.isReadable()) {
                        SocketChannel c = (SocketChannel) key.channel();
                        sink.clear();
                        int n;
                        try {
                            n = c.read(sink);
                        } catch (IOException reset) {
                            n = -1;
                        }
                        if (n < 0) {
                            key.cancel();
                            c.close();
                            connections--;
                        }
                    }
                }
            }
        } catch (IOException e) {
            // closing
        } finally {
            for (SelectionKey key : selector.keys()) {
                try {
                    key.channel().close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            connections = 0;
            try {
                selector.close();
                listener.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** Closes every connection (the clients see them end) and the listener. */
    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            loop.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
