package dev.upstreamguard.servlet.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A raw-socket HTTP/1.1 client that frames the response itself, so a test sees what a client sees on the wire:
 * whether a chunked body ended with its terminal chunk, whether a body reached its Content-Length, or whether the
 * connection closed first. Headers and bytes are sent exactly as given (control characters, non-ASCII, huge values).
 */
public final class RawHttp {
    private RawHttp() {
    }

    /** A keep-alive GET with extra header lines (each without CRLF, sent as ISO-8859-1 or UTF-8 bytes as given). */
    public static Result get(int port, String target, String... headerLines) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n").getBytes(StandardCharsets.UTF_8));
        for (String line : headerLines) {
            request.writeBytes(line.getBytes(StandardCharsets.UTF_8));
            request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return exchange(port, request.toByteArray());
    }

    /** Sends {@code request} and reads one response. */
    public static Result exchange(int port, byte[] request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            return read(new BufferedInputStream(socket.getInputStream()));
        }
    }

    private static Result read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            String line;
            long contentLength = -1;
            boolean chunked = false;
            while ((line = readLine(in)) != null && !line.isEmpty()) {
                head.writeBytes((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    contentLength = Long.parseLong(lower.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            if (line == null) {
                return new Result(head.toString(StandardCharsets.ISO_8859_1), "", false, Framing.NONE);
            }
            if (chunked) {
                return readChunked(in, head, body);
            }
            if (contentLength >= 0) {
                for (long i = 0; i < contentLength; i++) {
                    int b = in.read();
                    if (b < 0) {
                        return result(head, body, false, Framing.LENGTH);
                    }
                    body.write(b);
                }
                return result(head, body, true, Framing.LENGTH);
            }
            in.transferTo(body);
            return result(head, body, true, Framing.CLOSE);
        } catch (SocketException reset) {
            return result(head, body, false, Framing.NONE);
        }
    }

    private static Result readChunked(InputStream in, ByteArrayOutputStream head, ByteArrayOutputStream body)
            throws IOException {
        while (true) {
            String sizeLine = readLine(in);
            if (sizeLine == null || sizeLine.isEmpty()) {
                return result(head, body, false, Framing.CHUNKED);
            }
            int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            if (size == 0) {
                String trailer;
                while ((trailer = readLine(in)) != null && !trailer.isEmpty()) {
                    // Trailers are not used by these tests.
                }
                return result(head, body, trailer != null, Framing.CHUNKED);
            }
            byte[] chunk = in.readNBytes(size);
            body.write(chunk, 0, chunk.length);
            if (chunk.length < size || readLine(in) == null) {
                return result(head, body, false, Framing.CHUNKED);
            }
        }
    }

    private static Result result(ByteArrayOutputStream head, ByteArrayOutputStream body, boolean complete,
            Framing framing) {
        return new Result(head.toString(StandardCharsets.ISO_8859_1), body.toString(StandardCharsets.UTF_8), complete,
                framing);
    }

    /** A CRLF-terminated line without its CRLF, or null at end of stream. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return null;
    }

    /** How the body was delimited. */
    public enum Framing { CHUNKED, LENGTH, CLOSE, NONE }

    /** What the server sent: {@code complete} is false when the connection ended before the body's framing did. */
    public record Result(String head, String body, boolean complete, Framing framing) {
        public int status() {
            return Integer.parseInt(head.substring(9, 12));
        }

        /** A header value, case-insensitive, or null. */
        public String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }
}
