package dev.upstreamguard.doctor.realproxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback HTTP/1.1 server that misbehaves by request path: {@code /silent} never answers, {@code /early} closes
 * after reading the request, {@code /partial} promises 100 bytes and closes after 10, {@code /bigheader} sends a
 * 16 KiB header, {@code /badchunk} sends a malformed chunk; anything else gets a 200.
 */
final class FaultyBackend implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    FaultyBackend() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "faulty-backend");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                held.add(s);
                Thread t = new Thread(() -> serve(s), "faulty-backend-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try {
            InputStream in = s.getInputStream();
            String head = readHead(in);
            if (head == null) {
                s.close();
                return;
            }
            String path = head.split(" ", 3)[1];
            OutputStream out = s.getOutputStream();
            switch (path) {
                case "/silent" -> {
                    return; // held open, never answered; closed by close()
                }
                case "/early" -> s.close();
                case "/partial" -> {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nContent-Type: text/plain\r\n\r\n"
                            + "0123456789").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    s.close();
                }
                case "/bigheader" -> {
                    out.write(("HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(16 * 1024)
                            + "\r\nContent-Length: 2\r\n\r\nok").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    s.close();
                }
                case "/badchunk" -> {
                    out.write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    s.close();
                }
                default -> {
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    s.close();
                }
            }
        } catch (IOException e) {
            // the proxy went away
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while (b.length() < 16_384 && (c = in.read()) >= 0) {
            b.append((char) c);
            if (b.length() >= 4 && b.substring(b.length() - 4).equals("\r\n\r\n")) {
                return b.toString();
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : held) {
            s.close();
        }
    }
}
