package dev.upstreamguard.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback port whose accept queue is full: the server listens but never accepts, and the kit fills its backlog
 * with idle connections, so the kernel drops further connection attempts and a client's connect times out (an
 * overloaded upstream, as opposed to one that is down and refuses). Linux behaviour; {@link #close()} releases all.
 */
public final class FullAcceptQueue implements AutoCloseable {
    private static final int MAX_FILLERS = 64;
    private static final int PROBE_TIMEOUT_MILLIS = 250;
    /** A starved machine can miss a short probe's deadline with room left: a timeout is confirmed this long. */
    private static final int CONFIRM_TIMEOUT_MILLIS = 1000;

    private final ServerSocket listener;
    private final List<Socket> fillers = new ArrayList<>();

    private FullAcceptQueue() throws IOException {
        listener = new ServerSocket(0, 1, FaultyUpstream.loopback());
        InetSocketAddress address = new InetSocketAddress(FaultyUpstream.loopback(), listener.getLocalPort());
        for (int i = 0; i < MAX_FILLERS; i++) {
            if (!connected(address, PROBE_TIMEOUT_MILLIS) && !connected(address, CONFIRM_TIMEOUT_MILLIS)) {
                return; // two attempts in a row timed out, the second with a generous timeout: the queue is full
            }
        }
        close();
        throw new IllegalStateException("the accept queue did not fill after " + MAX_FILLERS + " connections");
    }

    /** Whether a connection got through within {@code millis} (kept as a filler); false when it timed out. */
    private boolean connected(InetSocketAddress address, int millis) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(address, millis);
            fillers.add(s);
            return true;
        } catch (SocketTimeoutException full) {
            s.close();
            return false;
        }
    }

    /**
     * Opens the port and fills its queue; when this returns, a new connection attempt times out.
     *
     * @throws IllegalStateException if the kernel keeps accepting connections (not Linux-like)
     */
    public static FullAcceptQueue start() {
        try {
            return new FullAcceptQueue();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a loopback port", e);
        }
    }

    /** {@code "http://127.0.0.1:<port>"}. */
    public String baseUri() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    /** The port, at 127.0.0.1. */
    public int port() {
        return listener.getLocalPort();
    }

    /** Closes the filler connections and the listening socket. */
    @Override
    public void close() {
        fillers.forEach(FaultyUpstream::closeQuietly);
        FaultyUpstream.closeQuietly(listener);
    }
}
