package dev.upstreamguard.test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes what a {@link Fault} sends after a request was read, and tells the server what to do with the socket. */
final class FaultResponder {
    /** What the server does with the connection once the fault has written its bytes. */
    enum Next {
        /** Wait for the next request on the same connection. */
        KEEP_ALIVE,
        /** Close normally (FIN). */
        CLOSE,
        /** Abort (RST). */
        RESET,
        /** Keep the connection open, answering nothing, until the client or the server closes it. */
        HOLD
    }

    /** What a kept-alive connection does before its next request ({@link Fault#closeOnReuse}, {@link Fault#idleClose}). */
    static final class ConnectionState {
        Fault.Reuse onReuse;
        java.time.Duration idle;
        Fault.Close idleClose;
    }

    /** A wait that ends early when the server closes. */
    interface Pause {
        /** Waits {@code d}; returns {@code false} if the server was closed meanwhile. */
        boolean await(Duration d);
    }

    private static final Map<Integer, String> REASONS = Map.ofEntries(Map.entry(200, "OK"),
            Map.entry(201, "Created"), Map.entry(202, "Accepted"), Map.entry(204, "No Content"),
            Map.entry(301, "Moved Permanently"), Map.entry(302, "Found"), Map.entry(304, "Not Modified"),
            Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"),
            Map.entry(404, "Not Found"), Map.entry(408, "Request Timeout"), Map.entry(409, "Conflict"),
            Map.entry(429, "Too Many Requests"), Map.entry(500, "Internal Server Error"),
            Map.entry(502, "Bad Gateway"), Map.entry(503, "Service Unavailable"), Map.entry(504, "Gateway Timeout"));
    private static final byte[] GARBAGE = garbage();
    private static final Duration PIECE_GAP = Duration.ofMillis(1);

    private FaultResponder() {
    }

    static Next respond(Fault f, RecordedRequest request, OutputStream out, Pause pause, ConnectionState state)
            throws IOException {
        boolean head = "HEAD".equals(request.method());
        state.onReuse = null;
        state.idle = null;
        switch (f.kind) {
            case STATUS:
                writeComplete(out, f.code, f.headers, f.body, head);
                return hasConnectionClose(f.headers) ? Next.CLOSE : Next.KEEP_ALIVE;
            case ACCEPT_THEN_CLOSE: // met on a kept-alive connection: the request is read already
            case CLOSE_AFTER_REQUEST:
                return Next.CLOSE;
            case RESET_AFTER_REQUEST:
                return Next.RESET;
            case RESET_MID_BODY:
                out.write(head(200, List.of("Content-Type", Fault.TEXT, "Content-Length", String.valueOf(f.size))));
                out.write(filler(f.chunk));
                out.flush();
                return Next.RESET;
            case BLACKHOLE:
                return Next.HOLD;
            case SLOW_HEADERS:
                if (!pause.await(f.delay)) {
                    return Next.CLOSE;
                }
                writeComplete(out, 200, List.of(), f.body, head);
                return Next.KEEP_ALIVE;
            case TRICKLE:
                out.write(head(200, List.of("Content-Type", Fault.TEXT, "Content-Length", len(f.body))));
                out.flush();
                for (int i = 0; i < f.body.length && !head; i += f.chunk) {
                    if (!pause.await(f.delay)) {
                        return Next.CLOSE;
                    }
                    out.write(f.body, i, Math.min(f.chunk, f.body.length - i));
                    out.flush();
                }
                return Next.KEEP_ALIVE;
            case TRUNCATED_BODY:
                out.write(head(200, List.of("Content-Type", Fault.TEXT, "Content-Length", String.valueOf(f.size))));
                out.write(f.body);
                return Next.CLOSE;
            case BROKEN_CHUNKED:
                out.write(head(200, List.of("Content-Type", Fault.TEXT, "Transfer-Encoding", "chunked")));
                out.write(ascii("5\r\nhello\r\nzz\r\n"));
                return Next.CLOSE;
            case TRUNCATED_CHUNKED:
                out.write(head(200, List.of("Content-Type", Fault.TEXT, "Transfer-Encoding", "chunked")));
                out.write(ascii("5\r\nhello\r\n"));
                return Next.CLOSE;
            case GARBAGE:
                out.write(GARBAGE);
                return Next.CLOSE;
            case INVALID_STATUS_LINE:
                out.write(ascii(f.statusLine + "\r\nContent-Type: " + Fault.TEXT + "\r\nContent-Length: "
                        + f.body.length + "\r\nConnection: close\r\n\r\n"));
                out.write(f.body);
                return Next.CLOSE;
            case OVERSIZED_HEADERS:
                out.write(oversized(f, false));
                return Next.CLOSE;
            case OVERSIZED_HEADER_LINE:
                out.write(oversized(f, true));
                return Next.CLOSE;
            case BAD_GZIP:
                writeComplete(out, 200, List.of("Content-Type", Fault.TEXT, "Content-Encoding", "gzip"), f.body, head);
                return Next.KEEP_ALIVE;
            case CLOSE_AFTER_RESPONSE:
                writeComplete(out, 200, List.of("Connection", "keep-alive", "Keep-Alive", "timeout=60"), f.body, head);
                return Next.CLOSE;
            case CLOSE_ON_REUSE:
                writeComplete(out, 200, List.of(), f.body, head);
                state.onReuse = f.reuse;
                return Next.KEEP_ALIVE;
            case IDLE_CLOSE:
                writeComplete(out, 200, f.advertised == null ? List.of()
                        : List.of("Keep-Alive", "timeout=" + f.advertised.toSeconds()), f.body, head);
                state.idle = f.delay;
                state.idleClose = f.close;
                return Next.KEEP_ALIVE;
            case RAW:
                int pieces = Math.min(f.chunk, Math.max(1, f.body.length));
                for (int p = 0; p < pieces; p++) {
                    if (p > 0 && !pause.await(PIECE_GAP)) { // a gap makes the pieces separate TCP segments
                        return Next.CLOSE;
                    }
                    int from = (int) ((long) f.body.length * p / pieces);
                    out.write(f.body, from, (int) ((long) f.body.length * (p + 1) / pieces) - from);
                    out.flush();
                }
                switch (f.after) {
                    case KEEP_ALIVE: return Next.KEEP_ALIVE;
                    case RST: return Next.RESET;
                    case STALL: return Next.HOLD;
                    default: return Next.CLOSE;
                }
            case STREAMED_BODY:
                return streamBody(f, out, pause, head);
            default:
                throw new IllegalStateException("not a single fault: " + f);
        }
    }

    /** A body of {@link Fault#bodyByte} bytes in writes of {@code writeBytes}, paced by {@code delay} when set. */
    private static Next streamBody(Fault f, OutputStream out, Pause pause, boolean head) throws IOException {
        boolean chunked = f.size < 0;
        out.write(head(200, List.of("Content-Type", "application/octet-stream",
                chunked ? "Transfer-Encoding" : "Content-Length", chunked ? "chunked" : String.valueOf(f.size))));
        out.flush();
        byte[] buf = new byte[f.chunk];
        for (long sent = 0; sent < f.streamed && !head; ) {
            if (f.delay != null && sent > 0 && !pause.await(f.delay)) {
                return Next.CLOSE;
            }
            int n = (int) Math.min(buf.length, f.streamed - sent);
            for (int i = 0; i < n; i++) {
                buf[i] = Fault.bodyByte(sent + i);
            }
            if (chunked) {
                out.write(ascii(Integer.toHexString(n) + "\r\n"));
            }
            out.write(buf, 0, n);
            if (chunked) {
                out.write(ascii("\r\n"));
            }
            out.flush();
            sent += n;
        }
        switch (f.after) {
            case KEEP_ALIVE:
                if (chunked && !head) {
                    out.write(ascii("0\r\n\r\n"));
                }
                return Next.KEEP_ALIVE;
            case RST:
                return Next.RESET;
            case STALL:
                return Next.HOLD;
            default:
                return Next.CLOSE;
        }
    }

    /** Status line, headers (Content-Type defaults to UTF-8 text), Content-Length and body, in one write. */
    private static void writeComplete(OutputStream out, int code, List<String> extra, byte[] body, boolean head)
            throws IOException {
        List<String> headers = new ArrayList<>();
        if (!hasHeader(extra, "Content-Type")) {
            headers.addAll(List.of("Content-Type", Fault.TEXT));
        }
        headers.addAll(extra);
        boolean bodiless = code == 204 || code == 304;
        if (!bodiless && !hasHeader(extra, "Content-Length")) {
            headers.addAll(List.of("Content-Length", len(body)));
        }
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        response.write(head(code, headers));
        if (!head && !bodiless) {
            response.write(body);
        }
        out.write(response.toByteArray());
    }

    private static byte[] head(int code, List<String> nameValues) {
        StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(code).append(' ')
                .append(REASONS.getOrDefault(code, "Status")).append("\r\n");
        for (int i = 0; i + 1 < nameValues.size(); i += 2) {
            sb.append(nameValues.get(i)).append(": ").append(nameValues.get(i + 1)).append("\r\n");
        }
        return ascii(sb.append("\r\n").toString());
    }

    private static byte[] oversized(Fault f, boolean oneLine) {
        StringBuilder sb = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: ").append(Fault.TEXT).append("\r\n");
        int start = sb.length();
        if (oneLine) {
            sb.append("X-Huge: ").append("a".repeat(f.size)).append("\r\n");
        } else {
            for (int i = 0; sb.length() - start <= f.size; i++) {
                // 64 bytes per line, CRLF included.
                sb.append(String.format(Locale.ROOT, "X-Filler-%05d: %s\r\n", i, "f".repeat(46)));
            }
        }
        sb.append("Content-Length: ").append(f.body.length).append("\r\nConnection: close\r\n\r\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(ascii(sb.toString()));
        bytes.writeBytes(f.body);
        return bytes.toByteArray();
    }

    private static boolean hasHeader(List<String> nameValues, String name) {
        for (int i = 0; i < nameValues.size(); i += 2) {
            if (nameValues.get(i).equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasConnectionClose(List<String> nameValues) {
        for (int i = 0; i + 1 < nameValues.size(); i += 2) {
            if (nameValues.get(i).equalsIgnoreCase("Connection") && nameValues.get(i + 1).equalsIgnoreCase("close")) {
                return true;
            }
        }
        return false;
    }

    private static String len(byte[] body) {
        return String.valueOf(body.length);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** {@code n} bytes of readable body text. */
    private static byte[] filler(int n) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        return bytes;
    }

    /** An SSH server banner (what a client meets when a port is not HTTP), then fixed binary bytes. */
    private static byte[] garbage() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(ascii("SSH-2.0-OpenSSH_9.6\r\n"));
        for (int i = 0; i < 256; i++) {
            bytes.write((i * 151 + 7) & 0xff); // every byte value once (151 is odd), NUL and 0xff included
        }
        return bytes.toByteArray();
    }
}
