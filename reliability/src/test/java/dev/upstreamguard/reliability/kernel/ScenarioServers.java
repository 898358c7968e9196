package dev.upstreamguard.reliability.kernel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * The loopback servers a scenario hosts inside its namespace: a keep-alive HTTP/1.1 server (plain or TLS) that
 * names its address in {@code X-Served-By}, a TCP listener that accepts and never speaks (it swallows TLS
 * handshakes), a listener whose accept queue is full, and a DNS server that answers SERVFAIL to everything.
 * Each runs on daemon threads and is closed by {@link #close()}.
 */
final class ScenarioServers implements AutoCloseable {
    static final String PASSWORD = "changeit";

    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
    private final BufferedReader control;

    ScenarioServers(BufferedReader control) {
        this.control = control;
    }

    /**
     * Starts the server a spec names: {@code http:ADDR:PORT:BODY}, {@code https:ADDR:PORT:BODY:KEYSTORE},
     * {@code pause:ADDR:PORT:BODY:AT} (stops after AT body bytes until the parent answers the event
     * {@code mid-body}), {@code swallow:ADDR:PORT}, {@code backlog:ADDR:PORT}, {@code servfail:ADDR:PORT}.
     * ADDR may be an IPv6 literal in brackets.
     */
    void start(String spec) throws Exception {
        String[] p = split(spec);
        InetAddress addr = InetAddress.getByName(p[1].replace("[", "").replace("]", ""));
        int port = Integer.parseInt(p[2]);
        switch (p[0]) {
            case "http" -> http(new ServerSocket(port, 200, addr), Integer.parseInt(p[3]), -1);
            case "https" -> http(tls(Path.of(p[4])).getServerSocketFactory().createServerSocket(port, 200, addr),
                    Integer.parseInt(p[3]), -1);
            case "pause" -> http(new ServerSocket(port, 200, addr), Integer.parseInt(p[3]), Integer.parseInt(p[4]));
            case "swallow" -> swallow(new ServerSocket(port, 200, addr));
            case "backlog" -> backlog(new ServerSocket(port, 1, addr), addr, port);
            case "servfail" -> servfail(new DatagramSocket(new InetSocketAddress(addr, port)));
            default -> throw new IllegalArgumentException("unknown server " + spec);
        }
    }

    /** Splits on ':' outside brackets. */
    private static String[] split(String spec) {
        List<String> parts = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean bracket = false;
        for (char c : spec.toCharArray()) {
            if (c == '[' || c == ']') {
                bracket = c == '[';
            }
            if (c == ':' && !bracket) {
                parts.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        parts.add(cur.toString());
        return parts.toArray(String[]::new);
    }

    private static SSLContext tls(Path keystore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    private void http(ServerSocket listener, int bodyBytes, int pauseAt) {
        open.add(listener);
        if (listener instanceof SSLServerSocket tls) {
            tls.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        }
        String servedBy = listener.getInetAddress().getHostAddress();
        daemon("http-" + servedBy, () -> {
            while (!listener.isClosed()) {
                Socket s = listener.accept();
                open.add(s);
                daemon("http-conn", () -> serve(s, servedBy, bodyBytes, pauseAt));
            }
        });
    }

    private void serve(Socket s, String servedBy, int bodyBytes, int pauseAt) throws IOException {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        byte[] body = new byte[bodyBytes];
        Arrays.fill(body, (byte) 'x');
        for (int requests = 0; requests < 100_000; requests++) {
            if (!readHead(in)) {
                return;
            }
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + bodyBytes
                    + "\r\nX-Served-By: " + servedBy + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            if (pauseAt >= 0) {
                out.write(body, 0, pauseAt);
                out.flush();
                Scenario.event("mid-body", control);
                out.write(body, pauseAt, bodyBytes - pauseAt);
            } else {
                out.write(body);
            }
            out.flush();
        }
    }

    /** Reads a request head (no request bodies here); false at end of stream. */
    private static boolean readHead(InputStream in) throws IOException {
        int state = 0;
        for (int n = 0; n < 65_536; n++) {
            int b = in.read();
            if (b < 0) {
                return false;
            }
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
                    ? state + 1 : 0;
            if (state == 4) {
                return true;
            }
        }
        throw new IOException("request head too long");
    }

    private void swallow(ServerSocket listener) {
        open.add(listener);
        daemon("swallow", () -> {
            while (!listener.isClosed()) {
                open.add(listener.accept());
            }
        });
    }

    /** Never accepts; fills the queue (backlog 1) with connections of its own so new SYNs are dropped. */
    private void backlog(ServerSocket listener, InetAddress addr, int port) throws IOException {
        open.add(listener);
        for (int i = 0; i < 8; i++) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(addr, port), 200);
                open.add(s);
            } catch (java.net.SocketTimeoutException queueFull) {
                s.close();
                return;
            }
        }
        throw new IOException("accept queue never filled");
    }

    /** A DNS server that answers every query with SERVFAIL (RCODE 2), question echoed. */
    private void servfail(DatagramSocket socket) {
        open.add(socket);
        daemon("servfail-dns", () -> {
            byte[] buf = new byte[512];
            while (!socket.isClosed()) {
                DatagramPacket q = new DatagramPacket(buf, buf.length);
                socket.receive(q);
                if (q.getLength() < 12) {
                    continue;
                }
                byte[] a = Arrays.copyOf(q.getData(), q.getLength());
                a[2] = (byte) (0x80 | (a[2] & 0x01)); // QR, RD copied
                a[3] = (byte) 0x82; // RA, RCODE=2 SERVFAIL
                a[6] = a[7] = a[8] = a[9] = 0; // no answer, no authority (an EDNS record is echoed)
                socket.send(new DatagramPacket(a, a.length, q.getSocketAddress()));
            }
        });
    }

    private interface Body {
        void run() throws Exception;
    }

    private static void daemon(String name, Body body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (SocketException closed) {
                // closed by close()
            } catch (Exception e) {
                if (!(e instanceof IOException)) {
                    e.printStackTrace();
                }
            }
        }, "scenario-" + name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }
}
