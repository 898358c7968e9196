package dev.upstreamguard.test;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads one complete HTTP/1.1 request (request line, headers, Content-Length or chunked body) from a stream. */
final class HttpRequestReader {
    /** Longest request line or header line accepted. */
    static final int MAX_LINE = 64 * 1024;
    /** Most header bytes accepted in one request. */
    static final int MAX_HEAD = 256 * 1024;
    /** Largest request body accepted. */
    static final int MAX_BODY = 16 * 1024 * 1024;

    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private HttpRequestReader() {
    }

    /**
     * Reads the next request. Answers {@code Expect: 100-continue} with an interim 100 before reading the body.
     *
     * @return the request, or {@code null} if the client closed the connection cleanly before sending one
     * @throws IOException if the connection ends mid-request or the request is malformed or too large
     */
    static RecordedRequest read(InputStream in, OutputStream out, int connectionNumber, int sequence)
            throws IOException {
        String requestLine = readLine(in, true);
        // RFC 9112 section 2.2: ignore empty lines received before the request line.
        while (requestLine != null && requestLine.isEmpty()) {
            requestLine = readLine(in, true);
        }
        if (requestLine == null) {
            return null;
        }
        String[] parts = requestLine.split(" ", 3);
        if (parts.length != 3 || !parts[2].startsWith("HTTP/")) {
            throw new IOException("malformed request line: " + requestLine);
        }
        List<String[]> fields = new ArrayList<>();
        int headBytes = requestLine.length();
        for (String line = readLine(in, false); !line.isEmpty(); line = readLine(in, false)) {
            headBytes += line.length() + 2;
            if (headBytes > MAX_HEAD) {
                throw new IOException("request header section larger than " + MAX_HEAD + " bytes");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line: " + line);
            }
            fields.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
        }
        String transferEncoding = first(fields, "Transfer-Encoding");
        String contentLength = first(fields, "Content-Length");
        boolean chunked = transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked");
        long length = chunked || contentLength == null ? 0 : parseLength(contentLength);
        if ("100-continue".equalsIgnoreCase(first(fields, "Expect")) && (chunked || length > 0)) {
            out.write(CONTINUE);
            out.flush();
        }
        byte[] body = chunked ? readChunked(in) : readFully(in, (int) length);
        return new RecordedRequest(parts[0], parts[1], parts[2], fields, body, connectionNumber, sequence);
    }

    private static String first(List<String[]> fields, String name) {
        for (String[] field : fields) {
            if (field[0].equalsIgnoreCase(name)) {
                return field[1];
            }
        }
        return null;
    }

    private static long parseLength(String value) throws IOException {
        try {
            long length = Long.parseLong(value.trim());
            if (length < 0 || length > MAX_BODY) {
                throw new IOException("unsupported Content-Length: " + value);
            }
            return length;
        } catch (NumberFormatException e) {
            throw new IOException("malformed Content-Length: " + value, e);
        }
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in, false);
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim();
            int size;
            try {
                size = Integer.parseInt(hex, 16);
            } catch (NumberFormatException e) {
                throw new IOException("malformed chunk size line: " + sizeLine, e);
            }
            if (size < 0 || body.size() + (long) size > MAX_BODY) {
                throw new IOException("chunked request body larger than " + MAX_BODY + " bytes");
            }
            if (size == 0) {
                // Trailer section, ended by an empty line.
                for (String line = readLine(in, false); !line.isEmpty(); line = readLine(in, false)) {
                    continue;
                }
                return body.toByteArray();
            }
            body.write(readFully(in, size));
            if (!readLine(in, false).isEmpty()) {
                throw new IOException("chunk data not followed by CRLF");
            }
        }
    }

    private static byte[] readFully(InputStream in, int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length) {
            throw new EOFException("request body ended after " + bytes.length + " of " + length + " bytes");
        }
        return bytes;
    }

    /** A line without its CRLF (a bare LF is accepted), or {@code null} at a clean end of stream if allowed. */
    private static String readLine(InputStream in, boolean endOfStreamAllowed) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b == -1) {
                if (endOfStreamAllowed && line.size() == 0) {
                    return null;
                }
                throw new EOFException("connection closed in the middle of a request");
            }
            if (b == '\n') {
                String s = line.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException("request line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
    }
}
