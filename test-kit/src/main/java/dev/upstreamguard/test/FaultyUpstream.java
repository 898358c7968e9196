package dev.upstreamguard.test;

import java.io.Closeable;
import java.io.IOException;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A misbehaving HTTP/1.1 upstream on a real loopback socket, for testing what an application answers when the
 * service it depends on fails: every fault of {@link Fault} on the wire, per path or for every request, and a
 * record of what it received.
 *
 * <pre>{@code
 * try (FaultyUpstream upstream = FaultyUpstream.start(Fault.ok("hello"))) {
 *     upstream.on("/users/*", Fault.resetAfterRequest());
 *     // point the application at upstream.baseUri() and call it ...
 *     assertEquals("/users/42", upstream.takeRequest(Duration.ofSeconds(1)).path());
 * }
 * }</pre>
 *
 * <p>Listens on 127.0.0.1 at an ephemeral port. Serves at most {@value #MAX_CONNECTIONS} connections at once, each
 * on its own daemon thread named {@code faulty-upstream-<port>-<n>}; a connection beyond that is closed at once.
 * Remembers the last {@value #MAX_RECORDED} requests. {@link #close()} closes the listening socket and every open
 * connection, cuts short any delay, and waits for its threads to end. Thread-safe.
 */
public final class FaultyUpstream implements AutoCloseable {
    /** The most connections served at once; a connection accepted beyond it is closed without a word. */
    public static final int MAX_CONNECTIONS = 512;
    /** How many of the latest requests {@link #requests()} and {@link #takeRequest(Duration)} keep. */
    public static final int MAX_RECORDED = 1000;

    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

    private final ServerSocket serverSocket;
    private final int port;
    private final SSLContext tls;
    private final Thread acceptor;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requestCount = new AtomicInteger();
    final AtomicInteger reusedConnections = new AtomicInteger();
    final AtomicInteger closedOnReuse = new AtomicInteger();
    final AtomicInteger answerErrors = new AtomicInteger();
    final AtomicInteger closedWhenIdle = new AtomicInteger();
    private final Deque<RecordedRequest> recorded = new ArrayDeque<>(); // guarded by itself
    private final BlockingQueue<RecordedRequest> untaken = new LinkedBlockingQueue<>(MAX_RECORDED);
    private final Set<Socket> openSockets = new HashSet<>(); // guarded by this
    private final Set<Thread> workers = new HashSet<>(); // guarded by this; live ones, and ended ones not yet pruned
    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private boolean closed; // guarded by this
    private volatile FaultScript script;

    private FaultyUpstream(Fault fault, SSLContext tls) throws IOException {
        this.script = new FaultScript(fault);
        this.tls = tls;
        this.serverSocket = new ServerSocket(0, 128, loopback());
        this.port = serverSocket.getLocalPort();
        this.acceptor = new Thread(this::acceptLoop, "faulty-upstream-" + port + "-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts a server answering every request 200 {@code "ok"}; it is listening when this returns. */
    public static FaultyUpstream start() {
        return start(Fault.ok("ok"));
    }

    /**
     * Starts a plain HTTP server applying {@code fault} to every request; it is listening when this returns.
     *
     * @throws UncheckedIOException if no loopback port can be bound
     */
    public static FaultyUpstream start(Fault fault) {
        return start(fault, null);
    }

    /**
     * Starts an HTTPS server presenting {@code certificate} (see {@link TestCertificate} for the TLS faults) and
     * applying {@code fault} to every request; use {@link #httpsBaseUri()}.
     */
    public static FaultyUpstream startTls(TestCertificate certificate, Fault fault) {
        return start(fault, Objects.requireNonNull(certificate, "certificate").serverContext());
    }

    private static FaultyUpstream start(Fault fault, SSLContext tls) {
        Objects.requireNonNull(fault, "fault");
        try {
            return new FaultyUpstream(fault, tls);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a loopback port", e);
        }
    }

    /**
     * Applies {@code fault} to every request that no {@link #on(String, Fault)} route matches, from the next request
     * read (and the next connection accepted, for connection faults). A script starts from its first step.
     *
     * @return this server
     */
    public FaultyUpstream respond(Fault fault) {
        script = new FaultScript(Objects.requireNonNull(fault, "fault"));
        return this;
    }

    /**
     * Applies {@code fault} to requests whose path (without query) equals {@code path}, or starts with it when it
     * ends with {@code *} ({@code "/users/*"}). Routes are tried in the order added; a later route for the same
     * pattern replaces the earlier one. A script has its own steps per route.
     *
     * @return this server
     * @throws IllegalArgumentException for a connection fault, which cannot depend on a path
     */
    public FaultyUpstream on(String path, Fault fault) {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/', but was '" + path + "'");
        }
        if (Objects.requireNonNull(fault, "fault").kind.onConnection()) {
            throw new IllegalArgumentException(fault + " acts before any request, so it cannot be bound to a path");
        }
        routes.removeIf(r -> r.pattern.equals(path));
        routes.add(new Route(path, new FaultScript(fault)));
        return this;
    }

    /** The port listened on, at 127.0.0.1. */
    public int port() {
        return port;
    }

    /** {@code "http://127.0.0.1:<port>"}, without a trailing slash. */
    public String baseUri() {
        return "http://127.0.0.1:" + port;
    }

    /**
     * {@code "https://127.0.0.1:<port>"}: for a server started with {@link #startTls}, or, for a plain server, the
     * "plaintext server on an https URL" fault (a plain server answers a TLS ClientHello with a plain-text
     * {@code 400 Bad Request}, as nginx does, then closes).
     */
    public String httpsBaseUri() {
        return "https://127.0.0.1:" + port;
    }

    /** Connections accepted so far, including any closed at once because {@link #MAX_CONNECTIONS} were open. */
    public int connectionsAccepted() {
        return connections.get();
    }

    /** Connections open right now (accepted and not yet closed by either side). */
    public synchronized int openConnections() {
        return openSockets.size();
    }

    /** Connections that carried a second request (keep-alive reuse), counted once each. */
    public int connectionsReused() {
        return reusedConnections.get();
    }

    /** Kept-alive connections closed by {@link Fault#closeOnReuse} when the client reused them. */
    public int connectionsClosedOnReuse() {
        return closedOnReuse.get();
    }

    /** Kept-alive connections closed by {@link Fault#idleClose} after their idle time. */
    public int connectionsClosedWhenIdle() {
        return closedWhenIdle.get();
    }

    /** How often a {@link Fault#dynamic} chooser threw or returned an unusable fault. */
    public int answerErrors() {
        return answerErrors.get();
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
     * A loopback port on which nothing listens, for "upstream down" tests: a connection is refused. On Linux it lies
     * below the kernel's ephemeral port range, so that no server started on port 0 meanwhile (an embedded Tomcat, a
     * second upstream) and no outgoing connection can be given it; elsewhere it is a port just bound and released.
     */
    public static int refusedPort() {
        try {
            return RefusedPorts.choose(loopback());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find the loopback address", e);
        }
    }

    /** {@code "http://127.0.0.1:<port>"} for a {@link #refusedPort()}: an upstream that is down. */
    public static String refusingBaseUri() {
        return "http://127.0.0.1:" + refusedPort();
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
        sockets.forEach(FaultyUpstream::closeQuietly);
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
            throw new IllegalStateException("faulty upstream threads still alive after " + JOIN_TIMEOUT + ": " + alive);
        }
    }

    @Override
    public String toString() {
        return "FaultyUpstream[" + (tls != null ? httpsBaseUri() : baseUri()) + "]";
    }

    FaultScript defaultScript() {
        return script;
    }

    SSLContext tls() {
        return tls;
    }

    /** The script for {@code target} (path and query): the first matching route's, else the default one. */
    FaultScript scriptFor(String target) {
        int q = target.indexOf('?');
        String path = q >= 0 ? target.substring(0, q) : target;
        for (Route r : routes) {
            if (r.matches(path)) {
                return r.script;
            }
        }
        return script;
    }

    void record(RecordedRequest request) {
        requestCount.incrementAndGet();
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
    boolean pause(Duration d) {
        try {
            return !closing.await(d.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
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
                Thread worker = new Thread(() -> serve(socket, number), "faulty-upstream-" + port + "-" + number);
                worker.setDaemon(true);
                workers.removeIf(t -> !t.isAlive()); // a worker stays listed until it has ended, so close() joins it
                workers.add(worker);
                worker.start();
            }
        }
    }

    private void serve(Socket socket, int number) {
        try {
            new Connection(this, socket, number).serve();
        } finally {
            closeQuietly(socket);
            synchronized (this) {
                openSockets.remove(socket);
            }
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

    static InetAddress loopback() throws IOException {
        return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
    }

    static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    private record Route(String pattern, FaultScript script) {
        boolean matches(String path) {
            return pattern.endsWith("*") ? path.startsWith(pattern.substring(0, pattern.length() - 1))
                    : path.equals(pattern);
        }
    }
}
