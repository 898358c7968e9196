package dev.upstreamguard.core.testing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 server on a raw {@link ServerSocket} that misbehaves on purpose, one {@link Fault} at a time:
 * resets, early closes, stalls, truncated or malformed responses. Made for tests of HTTP clients.
 *
 * <pre>{@code
 * try (FaultServer server = FaultServer.start(Fault.sequence(Fault.resetAfterRequest(), Fault.ok("fine")))) {
 *     // call server.baseUri() ...; the first request is reset, later ones answered
 *     assertThat(server.takeRequest(Duration.ofSeconds(1)).path()).isEqualTo("/users/42");
 * }
 * }</pre>
 *
 * <p>Listens on 127.0.0.1 at an ephemeral port. Serves at most {@value #MAX_CONNECTIONS} connections at once,
 * each on its own daemon thread named {@code fault-server-<port>-<n>} (the acceptor is
 * {@code fault-server-<port>-acceptor}); a connection beyond that is closed at once. It remembers the last
 * {@value #MAX_RECORDED} requests, so it can also serve as a long-running misbehaving upstream (as the demo does). {@link #close()} closes the
 * listening socket and every open connection, cuts short any delay, and waits for all of these threads to end.
 * Thread-safe.
 */
public final class FaultServer implements AutoCloseable {
    /** The most connections served at once; a connection accepted beyond it is closed without a word. */
    public static final int MAX_CONNECTIONS = 512;
    /** How many of the latest requests {@link #requests()} and {@link #takeRequest(Duration)} keep. */
    public static final int MAX_RECORDED = 1000;

    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

    private final ServerSocket serverSocket;
    private final int port;
    private final Thread acceptor;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requestCount = new AtomicInteger();
    private final Deque<RecordedRequest> recorded = new ArrayDeque<>(); // guarded by itself; the latest MAX_RECORDED
    private final BlockingQueue<RecordedRequest> untaken = new LinkedBlockingQueue<>(MAX_RECORDED);
    private final Set<Socket> openSockets = new HashSet<>(); // guarded by this
    private final Set<Thread> workers = new HashSet<>(); // guarded by this; at most MAX_CONNECTIONS
    private boolean closed; // guarded by this
    private volatile FaultScript script;

    private FaultServer(Fault fault) throws IOException {
        this.script = new FaultScript(fault);
        this.serverSocket = new ServerSocket(0, 128, loopback());
        this.port = serverSocket.getLocalPort();
        this.acceptor = new Thread(this::acceptLoop, "fault-server-" + port + "-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Starts a server applying {@code fault}; it is listening when this returns.
     *
     * @throws UncheckedIOException if no loopback port can be bound
     */
    public static FaultServer start(Fault fault) {
        Objects.requireNonNull(fault, "fault");
        try {
            return new FaultServer(fault);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a loopback port", e);
        }
    }

    /**
     * Switches behaviour: {@code fault} applies from the next request read (and the next connection accepted, for
     * {@link Fault#acceptThenClose()}), on new and kept-alive connections alike. A sequence starts from its first step.
     */
    public void fault(Fault fault) {
        script = new FaultScript(Objects.requireNonNull(fault, "fault"));
    }

    /** The port listened on, at 127.0.0.1. */
    public int port() {
        return port;
    }

    /** {@code "http://127.0.0.1:<port>"}, without a trailing slash. */
    public String baseUri() {
        return "http://127.0.0.1:" + port;
    }

    /** Connections accepted so far, including any closed at once because {@link #MAX_CONNECTIONS} were open. */
    public int connectionsAccepted() {
        return connections.get();
    }

    /** Connections open right now (the server has not yet seen them end). */
    public synchronized int connectionsOpen() {
        return openSockets.size();
    }

    /** Requests read completely so far. */
    public int requestsReceived() {
        return requestCount.get();
    }

    /** The requests read completely so far (the latest {@value #MAX_RECORDED}), in the order read; a snapshot. */
    public List<RecordedRequest> requests() {
        synchronized (recorded) {
            return List.copyOf(recorded);
        }
    }

    /**
     * The oldest request not yet taken, waiting up to {@code timeout} for one to arrive. Each request is taken once;
     * {@link #requests()} is not affected.
     *
     * @throws AssertionError if no request arrives in time (or the thread is interrupted)
     */
    public RecordedRequest takeRequest(Duration timeout) {
        try {
            RecordedRequest request = untaken.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (request == null) {
                throw new AssertionError("no request received within " + timeout + " on " + baseUri());
            }
            return request;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a request", e);
        }
    }

    /**
     * A loopback port on which nothing listens (a port just bound and released), for "connection refused" tests.
     * Another process could take it meanwhile, which is unlikely on a test machine.
     */
    public static int refusedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, loopback())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a loopback port", e);
        }
    }

    /**
     * Stops: closes the listening socket and every open connection, ends delays early, and waits (at most 5 s) for
     * every server thread to end. Idempotent.
     *
     * @throws IllegalStateException if a server thread is still alive after the wait
     */
    @Override
    public void close() {
        List<Socket> sockets;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            sockets = new ArrayList<>(openSockets);
        }
        closing.countDown();
        closeQuietly(serverSocket);
        sockets.forEach(FaultServer::closeQuietly);
        long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
        join(acceptor, deadline); // no worker is registered after the acceptor ended
        List<Thread> threads;
        synchronized (this) {
            threads = new ArrayList<>(workers);
        }
        threads.add(acceptor);
        List<String> alive = new ArrayList<>();
        for (Thread t : threads) {
            if (!join(t, deadline)) {
                alive.add(t.getName());
            }
        }
        if (!alive.isEmpty()) {
            throw new IllegalStateException("fault server threads still alive after " + JOIN_TIMEOUT + ": " + alive);
        }
    }

    private void acceptLoop() {
        while (true) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                return; // closed, or the listening socket broke: either way no more connections
            }
            int number = connections.incrementAndGet();
            synchronized (this) {
                if (closed || openSockets.size() >= MAX_CONNECTIONS) {
                    closeQuietly(socket);
                    continue;
                }
                openSockets.add(socket);
                Thread worker = new Thread(() -> serve(socket, number), "fault-server-" + port + "-" + number);
                worker.setDaemon(true);
                workers.add(worker);
                worker.start();
            }
        }
    }

    private void serve(Socket socket, int connectionNumber) {
        try {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            if (script.takeAcceptThenClose()) {
                socket.shutdownOutput(); // FIN first, even if a request arrives before the close
                return;
            }
            for (int sequence = 0; ; sequence++) {
                RecordedRequest request = HttpRequestReader.read(in, out, connectionNumber, sequence);
                if (request == null) {
                    return; // the client closed an idle connection
                }
                requestCount.incrementAndGet();
                record(request);
                FaultResponder.Next next = FaultResponder.respond(script.next(), request, out, this::pause);
                out.flush();
                if (next == FaultResponder.Next.RESET) {
                    socket.setSoLinger(true, 0);
                    return;
                }
                if (next == FaultResponder.Next.HOLD) {
                    while (in.read() != -1) {
                        continue; // swallow anything sent until the client or close() ends the connection
                    }
                    return;
                }
                if (next == FaultResponder.Next.CLOSE || request.wantsClose()) {
                    socket.shutdownOutput(); // FIN before close, whatever the client sends meanwhile
                    return;
                }
            }
        } catch (IOException e) {
            // The client went away, sent something unreadable, or close() closed the socket: end the connection.
        } finally {
            closeQuietly(socket);
            synchronized (this) {
                openSockets.remove(socket);
                workers.remove(Thread.currentThread());
            }
        }
    }

    /** Keeps the latest {@value #MAX_RECORDED} requests, dropping the oldest. */
    private void record(RecordedRequest request) {
        synchronized (recorded) {
            if (recorded.size() == MAX_RECORDED) {
                recorded.removeFirst();
            }
            recorded.addLast(request);
        }
        while (!untaken.offer(request)) {
            untaken.poll();
        }
    }

    /** Waits {@code d} unless the server closes first; {@code true} if the whole wait elapsed. */
    private boolean pause(Duration d) {
        try {
            return !closing.await(d.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean join(Thread t, long deadlineNanos) {
        try {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !t.isAlive();
    }

    private static InetAddress loopback() throws IOException {
        return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }
}
