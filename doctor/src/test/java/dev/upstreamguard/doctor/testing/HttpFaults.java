package dev.upstreamguard.doctor.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.GZIPOutputStream;

/** Handlers for {@link RawServer}: one HTTP behaviour each, the truth a test compares the probe with. */
public final class HttpFaults {
    private HttpFaults() {
    }

    /** Answers every request with {@code 200 ok} and keeps the connection; closes it after {@code idle} idle. */
    public static RawServer.Handler keepAlive(Duration idle, boolean byReset, String extraHeaders) {
        return s -> {
            while (true) {
                s.setSoTimeout(0);
                if (RawServer.readRequestHead(s.getInputStream()) == null) {
                    return;
                }
                RawServer.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n" + extraHeaders + "\r\nok");
                s.setSoTimeout((int) idle.toMillis());
                try {
                    int c = s.getInputStream().read();
                    if (c < 0) {
                        return;
                    }
                    // a next request started: read the rest of its head below by pushing nothing back; the head
                    // reader tolerates the missing first byte because it only looks for the blank line
                } catch (SocketTimeoutException idleTooLong) {
                    if (byReset) {
                        RawServer.reset(s);
                    } else {
                        s.close();
                    }
                    return;
                }
            }
        };
    }

    /** Reads the request, then answers {@code response} exactly (any bytes) and closes. */
    public static RawServer.Handler answer(byte[] response) {
        return s -> {
            RawServer.readRequestHead(s.getInputStream());
            s.getOutputStream().write(response);
            s.getOutputStream().flush();
            s.shutdownOutput();
            drain(s);
        };
    }

    /** Reads the request, waits {@code delay}, then answers {@code 200 ok} and keeps the connection open. */
    public static RawServer.Handler slowFirstByte(Duration delay) {
        return s -> {
            RawServer.readRequestHead(s.getInputStream());
            sleepQuietly(delay);
            RawServer.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
            drain(s);
        };
    }

    /** Accepts the connection and never sends a byte (a hung server, or a TLS port that never answers). */
    public static RawServer.Handler silent() {
        return HttpFaults::drain;
    }

    /** ASCII text as bytes. */
    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** {@code text} gzip-compressed. */
    public static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(ascii(text));
        }
        return out.toByteArray();
    }

    /** {@code head} followed by {@code body}. */
    public static byte[] concat(String head, byte[] body) {
        byte[] h = ascii(head);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    private static void drain(Socket s) throws IOException {
        s.setSoTimeout(0);
        byte[] buf = new byte[4096];
        while (s.getInputStream().read(buf) >= 0) {
            // until the client closes
        }
    }

    private static void sleepQuietly(Duration d) {
        // The delay IS the fault under test (a slow upstream), not a wait for synchronisation.
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
