package dev.upstreamguard.doctor.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP server that hands each accepted connection to a {@link Handler} on its own thread. Closing it
 * closes the listener and every connection it accepted. Small on purpose: the doctor's tests need only a few
 * byte-exact behaviours (the project's fault kit may replace it).
 */
public final class RawServer implements AutoCloseable {
    /** What the server does with one accepted connection. */
    @FunctionalInterface
    public interface Handler {
        void handle(Socket socket) throws IOException;
    }

    private final ServerSocket listener;
    private final Handler handler;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private RawServer(ServerSocket listener, Handler handler) {
        this.listener = listener;
        this.handler = handler;
        this.acceptor = new Thread(this::acceptLoop, "raw-server-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A server on 127.0.0.1, a random port. */
    public static RawServer start(Handler handler) throws IOException {
        return start(new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")), handler);
    }

    /** A server on an existing listener (a TLS one, for instance). */
    public static RawServer start(ServerSocket listener, Handler handler) {
        return new RawServer(listener, handler);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** {@code scheme://127.0.0.1:port}. */
    public String url(String scheme) {
        return scheme + "://127.0.0.1:" + port();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                accepted.add(s);
                Thread t = new Thread(() -> {
                    try (s) {
                        handler.handle(s);
                    } catch (IOException | RuntimeException ended) {
                        // the client hung up or the test closed the server
                    }
                }, "raw-server-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : accepted) {
            s.close();
        }
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads one request head (up to the blank line); {@code null} when the peer closed first. */
    public static String readRequestHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            head.write(c);
            state = (c == '\r' && state % 2 == 0) || (c == '\n' && state % 2 == 1) ? state + 1 : c == '\r' ? 1 : 0;
            if (head.size() > 64 * 1024) {
                throw new IOException("request head too large");
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Writes {@code text} (ISO-8859-1) and flushes. */
    public static void write(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    /** Closes by RST instead of FIN (linger 0). */
    public static void reset(Socket s) throws IOException {
        s.setSoLinger(true, 0);
        s.close();
    }
}
