package dev.upstreamguard.reliability;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A raw-socket upstream that answers each request with exactly the bytes a function gives for its request target,
 * then does what the answer says with the connection: close it, reset it, keep it for the next request, or hold
 * it silent until the client gives up. Bound to 127.0.0.1; a thread per connection; {@link #close()} ends all.
 */
final class ByteUpstream implements AutoCloseable {
    /** What the server does after writing an answer. */
    enum After {
        CLOSE, RESET, KEEP, STALL
    }

    /** The bytes for one request, written in {@code pieces} writes, and what follows. */
    record Answer(byte[] bytes, int pieces, After after) {
    }

    private static final int MAX_HEAD = 64 * 1024;

    private final ServerSocket serverSocket;
    private final Thread acceptor;
    private final Function<String, Answer> answers;
    private final Set<Socket> open = new HashSet<>(); // guarded by this
    private final Set<Thread> workers = new HashSet<>(); // guarded by this
    private final CountDownLatch closing = new CountDownLatch(1);
    private boolean closed; // guarded by this
    private final AtomicInteger errors = new AtomicInteger();

    ByteUpstream(Function<String, Answer> answers) {
        this.answers = answers;
        try {
            serverSocket = new ServerSocket(0, 128, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor = new Thread(this::accept, "byte-upstream-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String baseUri() {
        return "http://127.0.0.1:" + serverSocket.getLocalPort();
    }

    /** How often the answer function threw (the connection was then closed). */
    int errors() {
        return errors.get();
    }

    /** Connections open right now. */
    synchronized int openConnections() {
        return open.size();
    }

    private void accept() {
        while (true) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                return;
            }
            synchronized (this) {
                if (closed) {
                    closeQuietly(socket);
                    return;
                }
                open.add(socket);
                Thread worker = new Thread(() -> serve(socket), "byte-upstream-connection");
                worker.setDaemon(true);
                workers.add(worker);
                worker.start();
            }
        }
    }

    private void serve(Socket socket) {
        try {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                String target = readRequestTarget(in);
                if (target == null) {
                    return;
                }
                Answer answer = answers.apply(target);
                write(out, answer);
                switch (answer.after()) {
                    case CLOSE -> {
                        socket.shutdownOutput();
                        return;
                    }
                    case RESET -> {
                        socket.setSoLinger(true, 0);
                        return;
                    }
                    case STALL -> {
                        while (in.read() != -1) {
                            continue; // until the client closes or close() does
                        }
                        return;
                    }
                    case KEEP -> {
                        // next request on this connection
                    }
                }
            }
        } catch (IOException e) {
            // the client went away or close() closed the socket
        } catch (RuntimeException e) {
            errors.incrementAndGet(); // a broken answer function: the test must hear of it
        } finally {
            closeQuietly(socket);
            synchronized (this) {
                open.remove(socket);
                workers.remove(Thread.currentThread());
            }
        }
    }

    /** Writes the answer in pieces; a short pause between pieces makes them separate TCP segments. */
    private void write(OutputStream out, Answer answer) throws IOException {
        byte[] bytes = answer.bytes();
        int pieces = Math.max(1, Math.min(answer.pieces(), bytes.length));
        for (int i = 0; i < pieces; i++) {
            int from = (int) ((long) bytes.length * i / pieces);
            int to = (int) ((long) bytes.length * (i + 1) / pieces);
            out.write(bytes, from, to - from);
            out.flush();
            if (i + 1 < pieces) {
                try {
                    if (closing.await(1, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Reads a request head (no body: the client only sends GETs); its target, or null at end of stream. */
    private static String readRequestTarget(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int state = 0; // matched bytes of CRLFCRLF
        while (state < 4) {
            int b = in.read();
            if (b == -1) {
                return null;
            }
            head.write(b);
            if (head.size() > MAX_HEAD) {
                throw new IOException("request head too large");
            }
            state = b == (state % 2 == 0 ? '\r' : '\n') ? state + 1 : b == '\r' ? 1 : 0;
        }
        String requestLine = head.toString(StandardCharsets.ISO_8859_1);
        requestLine = requestLine.substring(0, requestLine.indexOf("\r\n"));
        String[] parts = requestLine.split(" ");
        return parts.length == 3 ? parts[1] : "";
    }

    @Override
    public void close() {
        Set<Socket> sockets;
        Set<Thread> threads;
        synchronized (this) {
            closed = true;
            sockets = new HashSet<>(open);
            threads = new HashSet<>(workers);
        }
        closing.countDown();
        closeQuietly(serverSocket);
        sockets.forEach(ByteUpstream::closeQuietly);
        try {
            acceptor.join(5_000);
            for (Thread t : threads) {
                t.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // nothing left to do
        }
    }
}
