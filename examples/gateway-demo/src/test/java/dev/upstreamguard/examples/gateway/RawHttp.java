package dev.upstreamguard.examples.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Sends one request exactly as written, for headers that {@code java.net.http} refuses to send (Connection,
 * Upgrade, Keep-Alive...), and reads the answer until the server closes: the request must say
 * {@code Connection: close}.
 */
final class RawHttp {
    private RawHttp() {
    }

    /** The raw response to {@code head} (request line and header lines, CRLF-separated, without the blank line). */
    static String exchange(int port, String head, String body) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((head + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
