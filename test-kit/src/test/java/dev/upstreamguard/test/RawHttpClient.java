package dev.upstreamguard.test;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

/** A bare HTTP/1.1 client on one socket, for checking exactly which bytes, end of stream or reset a server sends. */
final class RawHttpClient {
    final Socket socket;
    private InputStream in;

    RawHttpClient(Socket socket) {
        this.socket = socket;
    }

    /** Writes {@code text} (ISO-8859-1) as is. */
    RawHttpClient send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(ISO_8859_1));
        socket.getOutputStream().flush();
        return this;
    }

    /** The next byte, or -1 at end of stream. */
    int read() throws IOException {
        return in().read();
    }

    /** Everything up to the end of stream. */
    byte[] readToEnd() throws IOException {
        return in().readAllBytes();
    }

    String readToEndText() throws IOException {
        return new String(readToEnd(), ISO_8859_1);
    }

    /** Status line and headers, up to and including the empty line. */
    String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = read();
            if (b == -1) {
                throw new IOException("end of stream in the response head: " + head.toString(ISO_8859_1));
            }
            head.write(b);
        }
        return head.toString(ISO_8859_1);
    }

    /** One response whose body is delimited by Content-Length. */
    Response readResponse() throws IOException {
        String head = readHead();
        String length = new Response(head, new byte[0]).header("Content-Length");
        return new Response(head, in().readNBytes(Integer.parseInt(length)));
    }

    private InputStream in() throws IOException {
        if (in == null) {
            in = new BufferedInputStream(socket.getInputStream());
        }
        return in;
    }

    /** A response read by {@link #readResponse()}. */
    static final class Response {
        final String head;
        final byte[] bytes;

        Response(String head, byte[] bytes) {
            this.head = head;
            this.bytes = bytes;
        }

        String statusLine() {
            return head.substring(0, head.indexOf("\r\n"));
        }

        /** The first value of header {@code name} (any case), or null. */
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        String body() {
            return new String(bytes, ISO_8859_1);
        }
    }
}
