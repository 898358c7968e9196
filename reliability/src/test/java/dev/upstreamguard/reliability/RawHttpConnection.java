package dev.upstreamguard.reliability;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A strict HTTP/1.1 client on one kept-alive loopback socket, reconnecting when the server closed it. It frames
 * the response itself and refuses anything a well-formed response would not contain: a status line that is not
 * {@code HTTP/1.x NNN reason} with CRLF, a header line that is not {@code token: value} or holds a control
 * character, a chunked body without its terminal chunk, a body shorter than its Content-Length. Any such defect,
 * a reset or a read timeout is an {@link IOException}, and the socket is closed.
 */
final class RawHttpConnection implements Closeable {
    /** A response that broke HTTP/1.1 framing or syntax. */
    static final class MalformedResponseException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedResponseException(String message) {
            super(message);
        }
    }

    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] [1-5][0-9]{2} [\\t\\x20-\\x7e\\x80-\\xff]*");
    private static final int MAX_LINE = 64 * 1024;
    private static final int MAX_HEADERS = 200;
    private static final int MAX_BODY = 4 * 1024 * 1024;

    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private boolean reused;
    private int opened;

    RawHttpConnection(int port) {
        this.port = port;
    }

    /** Connections opened so far (the first, and one per reconnect). */
    int connectionsOpened() {
        return opened;
    }

    /** Whether the last exchange went over a connection that had already carried a response. */
    boolean lastWasReused() {
        return reused;
    }

    /** A GET request with the given extra header lines (each without CRLF), as UTF-8 bytes. */
    static byte[] get(String target, List<String> headerLines) {
        StringBuilder sb = new StringBuilder(256).append("GET ").append(target)
                .append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String line : headerLines) {
            sb.append(line).append("\r\n");
        }
        return sb.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Sends {@code request} (opening a connection if none is open) and reads one response, waiting at most
     * {@code readTimeoutMillis} for each read.
     */
    RawResponse exchange(byte[] request, int readTimeoutMillis) throws IOException {
        reused = socket != null;
        if (socket == null) {
            open();
        }
        try {
            socket.setSoTimeout(readTimeoutMillis);
            out.write(request);
            out.flush();
            Read read = read(request);
            if (read.close) {
                close();
            }
            return read.response;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Opens the connection now unless it is open (otherwise the first exchange does). */
    void connect() throws IOException {
        if (socket == null) {
            open();
        }
    }

    private void open() throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
        out = s.getOutputStream();
        opened++;
    }

    private record Read(RawResponse response, boolean close) {
    }

    private Read read(byte[] request) throws IOException {
        boolean head = request.length >= 5 && request[0] == 'H' && request[1] == 'E' && request[2] == 'A';
        StringBuilder raw = new StringBuilder(512);
        String statusLine = line(raw);
        if (!STATUS_LINE.matcher(statusLine).matches()) {
            throw new MalformedResponseException("invalid status line: " + printable(statusLine));
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        List<String[]> headers = new ArrayList<>();
        for (String line = line(raw); !line.isEmpty(); line = line(raw)) {
            if (headers.size() == MAX_HEADERS) {
                throw new MalformedResponseException("more than " + MAX_HEADERS + " header lines");
            }
            headers.add(field(line));
        }
        RawResponse tmp = new RawResponse(statusLine, status, headers, raw.toString(), new byte[0]);
        List<String> lengths = tmp.all("Content-Length");
        String te = tmp.header("Transfer-Encoding");
        String connection = tmp.header("Connection");
        boolean close = connection != null && connection.toLowerCase(Locale.ROOT).contains("close")
                || statusLine.startsWith("HTTP/1.0");
        byte[] body;
        if (head || status < 200 || status == 204 || status == 304) {
            body = new byte[0];
        } else if (te != null) {
            if (!lengths.isEmpty()) {
                throw new MalformedResponseException("both Transfer-Encoding and Content-Length");
            }
            if (!te.trim().equalsIgnoreCase("chunked")) {
                throw new MalformedResponseException("unexpected Transfer-Encoding: " + printable(te));
            }
            body = chunked(raw);
        } else if (!lengths.isEmpty()) {
            if (lengths.size() > 1 || !lengths.get(0).matches("[0-9]{1,9}")) {
                throw new MalformedResponseException("invalid Content-Length: " + lengths);
            }
            int length = Integer.parseInt(lengths.get(0));
            if (length > MAX_BODY) {
                throw new MalformedResponseException("Content-Length over " + MAX_BODY);
            }
            body = in.readNBytes(length);
            if (body.length < length) {
                throw new MalformedResponseException("body ended after " + body.length + " of " + length + " bytes");
            }
        } else {
            body = in.readNBytes(MAX_BODY);
            close = true;
        }
        return new Read(new RawResponse(statusLine, status, headers, raw.toString(), body), close);
    }

    private byte[] chunked(StringBuilder raw) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line(raw);
            int semi = sizeLine.indexOf(';');
            String hex = semi < 0 ? sizeLine : sizeLine.substring(0, semi);
            if (!hex.matches("[0-9a-fA-F]{1,7}")) {
                throw new MalformedResponseException("invalid chunk size line: " + printable(sizeLine));
            }
            int size = Integer.parseInt(hex, 16);
            if (size == 0) {
                for (String trailer = line(raw); !trailer.isEmpty(); trailer = line(raw)) {
                    field(trailer);
                }
                return body.toByteArray();
            }
            if (body.size() + size > MAX_BODY) {
                throw new MalformedResponseException("chunked body over " + MAX_BODY);
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length < size) {
                throw new MalformedResponseException("chunk ended after " + chunk.length + " of " + size + " bytes");
            }
            body.write(chunk);
            if (!line(raw).isEmpty()) {
                throw new MalformedResponseException("chunk data not followed by CRLF");
            }
        }
    }

    /** One header field, checked: a token name, a colon, a value without control characters other than HTAB. */
    private static String[] field(String line) throws MalformedResponseException {
        int colon = line.indexOf(':');
        if (colon <= 0) {
            throw new MalformedResponseException("header line without a name: " + printable(line));
        }
        String name = line.substring(0, colon);
        for (int i = 0; i < name.length(); i++) {
            if (!isTokenChar(name.charAt(i))) {
                throw new MalformedResponseException("invalid header name: " + printable(name));
            }
        }
        String value = line.substring(colon + 1).strip();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                throw new MalformedResponseException("control character in header " + name);
            }
        }
        return new String[] {name, value};
    }

    static boolean isTokenChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** A line ended by CRLF (a bare CR or LF is malformed), without it; appended with its CRLF to {@code raw}. */
    private String line(StringBuilder raw) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        while (true) {
            int b = in.read();
            if (b == -1) {
                throw new EOFException("end of stream after " + raw.length() + " bytes of the response head"
                        + (sb.length() > 0 ? " and a partial line" : ""));
            }
            if (b == '\r') {
                if (in.read() != '\n') {
                    throw new MalformedResponseException("CR not followed by LF in: " + printable(sb.toString()));
                }
                raw.append(sb).append("\r\n");
                return sb.toString();
            }
            if (b == '\n') {
                throw new MalformedResponseException("bare LF in: " + printable(sb.toString()));
            }
            if (sb.length() == MAX_LINE) {
                throw new MalformedResponseException("response line longer than " + MAX_LINE);
            }
            sb.append((char) b);
        }
    }

    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 200; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f) {
                sb.append(String.format(Locale.ROOT, "\\x%02x", (int) c & 0xff));
            } else {
                sb.append(c);
            }
        }
        return s.length() > 200 ? sb + "..." : sb.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing left to do
            }
            socket = null;
        }
    }
}
