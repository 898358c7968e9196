package dev.upstreamguard.test;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocket;

/** Serves one accepted connection of a {@link FaultyUpstream}: connection faults, TLS, then request by request. */
final class Connection {
    private static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    private static final int FIN_DRAIN_MILLIS = 5_000;
    /** The fatal handshake_failure alert: record type 21, TLS 1.2, length 2, level fatal (2), description 40. */
    private static final byte[] HANDSHAKE_FAILURE = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};
    private static final byte[] PLAIN_BAD_REQUEST = ("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 39\r\nConnection: close\r\n\r\nThis port speaks plain HTTP, not HTTPS.")
            .getBytes(StandardCharsets.US_ASCII);

    private final FaultyUpstream server;
    private final Socket raw;
    private final int number;
    private final FaultResponder.ConnectionState state = new FaultResponder.ConnectionState();
    private Socket socket;
    private InputStream in;

    Connection(FaultyUpstream server, Socket raw, int number) {
        this.server = server;
        this.raw = raw;
        this.number = number;
    }

    void serve() {
        try {
            raw.setTcpNoDelay(true);
            Fault connectionFault = server.defaultScript().takeConnectionFault();
            if (connectionFault != null) {
                actOnConnection(connectionFault);
                return;
            }
            socket = server.tls() == null ? raw : handshake();
            in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            if (server.tls() == null && firstByte() == 0x16) {
                out.write(PLAIN_BAD_REQUEST); // a TLS ClientHello on a plain port
                out.flush();
                finClose();
                return;
            }
            serveRequests(out);
        } catch (IOException e) {
            // The client went away, sent something unreadable, or close() closed the socket: end the connection.
        }
    }

    private void serveRequests(OutputStream out) throws IOException {
        for (int sequence = 0; ; sequence++) {
            if (sequence > 0 && !beforeNextRequest()) {
                return;
            }
            RecordedRequest request = HttpRequestReader.read(in, out, number, sequence);
            if (request == null) {
                return; // the client closed an idle connection
            }
            if (sequence == 1) {
                server.reusedConnections.incrementAndGet();
            }
            server.record(request);
            if (sequence > 0 && state.onReuse != null) {
                server.closedOnReuse.incrementAndGet();
                if (state.onReuse == Fault.Reuse.RST_AFTER_REQUEST) {
                    reset();
                } else {
                    finClose();
                }
                return;
            }
            Fault fault = server.scriptFor(request.path()).next();
            if (fault.kind == Fault.Kind.DYNAMIC) {
                fault = choose(fault, request);
                if (fault == null) {
                    finClose();
                    return;
                }
            }
            FaultResponder.Next next = FaultResponder.respond(fault, request, out, server::pause, state);
            out.flush();
            switch (next) {
                case RESET:
                    reset();
                    return;
                case HOLD:
                    drain();
                    return;
                case CLOSE:
                    finClose();
                    return;
                default:
                    if (request.wantsClose()) {
                        finClose();
                        return;
                    }
            }
        }
    }

    /**
     * Applies an idle close or a close on reuse before the next request; {@code false} when the connection ended.
     * The first byte of the next request is looked at, not consumed.
     */
    private boolean beforeNextRequest() throws IOException {
        if (state.idle != null) {
            socket.setSoTimeout((int) Math.max(1, state.idle.toMillis()));
            try {
                if (firstByte() == -1) {
                    return false;
                }
            } catch (SocketTimeoutException idleTooLong) {
                if (state.idleClose == Fault.Close.RST) {
                    reset();
                    server.closedWhenIdle.incrementAndGet(); // counted once the close is on the wire
                } else {
                    socket.shutdownOutput();
                    server.closedWhenIdle.incrementAndGet();
                    finClose();
                }
                return false;
            } finally {
                if (!socket.isClosed()) {
                    socket.setSoTimeout(0);
                }
            }
        }
        Fault.Reuse reuse = state.onReuse;
        if (reuse == Fault.Reuse.FIN_BEFORE_REQUEST || reuse == Fault.Reuse.RST_BEFORE_REQUEST) {
            if (firstByte() == -1) {
                return false;
            }
            server.closedOnReuse.incrementAndGet();
            if (reuse == Fault.Reuse.RST_BEFORE_REQUEST) {
                reset();
            } else {
                finClose();
            }
            return false;
        }
        return true;
    }

    private Fault choose(Fault dynamic, RecordedRequest request) {
        try {
            Fault chosen = dynamic.dynamic.apply(request);
            if (chosen == null || chosen.kind.onConnection() || chosen.kind == Fault.Kind.DYNAMIC
                    || chosen.kind == Fault.Kind.SEQUENCE || chosen.kind == Fault.Kind.CYCLE
                    || chosen.kind == Fault.Kind.RANDOM) {
                server.answerErrors.incrementAndGet();
                return null;
            }
            return chosen;
        } catch (RuntimeException e) {
            server.answerErrors.incrementAndGet();
            return null;
        }
    }

    private void actOnConnection(Fault fault) throws IOException {
        socket = raw;
        in = new BufferedInputStream(raw.getInputStream());
        switch (fault.kind) {
            case ACCEPT_THEN_CLOSE:
                finClose();
                return;
            case TLS_ALERT:
                readTlsRecord();
                raw.getOutputStream().write(HANDSHAKE_FAILURE);
                raw.getOutputStream().flush();
                finClose();
                return;
            default: // TLS_STALL
                drain();
        }
    }

    private SSLSocket handshake() throws IOException {
        SSLSocket ssl = (SSLSocket) server.tls().getSocketFactory()
                .createSocket(raw, raw.getInetAddress().getHostAddress(), raw.getPort(), true);
        ssl.setUseClientMode(false);
        ssl.setSoTimeout(HANDSHAKE_TIMEOUT_MILLIS);
        ssl.startHandshake();
        ssl.setSoTimeout(0);
        return ssl;
    }

    /** Reads one TLS record (the ClientHello), so the alert answers it and nothing unread is left behind. */
    private void readTlsRecord() throws IOException {
        byte[] header = in.readNBytes(5);
        if (header.length == 5) {
            in.readNBytes(((header[3] & 0xff) << 8) | (header[4] & 0xff));
        }
    }

    /** The next byte without consuming it, or -1 at end of stream. */
    private int firstByte() throws IOException {
        in.mark(1);
        int b = in.read();
        if (b != -1) {
            in.reset();
        }
        return b;
    }

    /**
     * FIN first, whatever the client sends meanwhile, then reads until the client closes too: closing a socket with
     * unread bytes would send a RST instead.
     */
    private void finClose() throws IOException {
        if (socket instanceof SSLSocket) {
            socket.close(); // close_notify, then FIN
            return;
        }
        if (!socket.isOutputShutdown()) {
            socket.shutdownOutput();
        }
        socket.setSoTimeout(FIN_DRAIN_MILLIS);
        try {
            byte[] buffer = new byte[8192];
            while (in.read(buffer) != -1) {
                continue;
            }
        } catch (SocketTimeoutException clientKeptItOpen) {
            // close now; the client had its FIN long ago
        }
    }

    private void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    /** Swallows anything sent until the client or {@link FaultyUpstream#close()} ends the connection. */
    private void drain() throws IOException {
        socket.setSoTimeout(0);
        byte[] buffer = new byte[8192];
        while (in.read(buffer) != -1) {
            continue;
        }
    }
}
