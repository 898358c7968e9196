package dev.upstreamguard.core.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a {@link FaultServer} does with a connection or request: answer properly, or break the exchange in one
 * precise way. Immutable; create with the static factories. Unless a fault says otherwise, the server first
 * reads the whole request (request line, headers, body), records it, then acts.
 *
 * <p>Faults that answer completely ({@link #ok}, {@link #status}, {@link #slowHeaders}, {@link #trickle},
 * {@link #badGzip}) keep the connection open for the next request (keep-alive) unless the client sent
 * {@code Connection: close}; all other faults end the connection.
 */
public final class Fault {
    static final String TEXT = "text/plain; charset=utf-8";

    enum Kind {
        STATUS, ACCEPT_THEN_CLOSE, CLOSE_AFTER_REQUEST, RESET_AFTER_REQUEST, BLACKHOLE, SLOW_HEADERS, TRICKLE,
        TRUNCATED_BODY, BROKEN_CHUNKED, TRUNCATED_CHUNKED, GARBAGE, INVALID_STATUS_LINE, OVERSIZED_HEADERS,
        OVERSIZED_HEADER_LINE, BAD_GZIP, STALE_KEEP_ALIVE, SEQUENCE, STREAMED_BODY
    }

    /** How a {@link Kind#STREAMED_BODY} ends once its bytes are sent. */
    enum StreamEnd {
        /** Complete: keep the connection for the next request (after the terminal chunk when chunked). */
        COMPLETE,
        /** Close (FIN). */
        CLOSE,
        /** Reset (RST). */
        RESET,
        /** Send nothing more and keep the connection open until the client or the server closes it. */
        STALL
    }

    final Kind kind;
    final int code;
    /** Extra response header fields, as name, value, name, value... */
    final List<String> headers;
    final byte[] body;
    final Duration delay;
    final int size;
    final List<Fault> steps;
    /** The status line sent by {@link #invalidStatusLine(String)}. */
    final String statusLine;
    /** {@link Kind#STREAMED_BODY}: bytes sent (the declared length is {@link #size}, -1 for chunked). */
    long streamed;
    /** {@link Kind#STREAMED_BODY}: bytes per write (and per chunk when chunked). */
    int writeBytes;
    /** {@link Kind#STREAMED_BODY}: how it ends. */
    StreamEnd end;

    private Fault(Kind kind, int code, List<String> headers, String body, Duration delay, int size,
            List<Fault> steps) {
        this(kind, code, headers, body, delay, size, steps, null);
    }

    private Fault(Kind kind, int code, List<String> headers, String body, Duration delay, int size,
            List<Fault> steps, String statusLine) {
        this.statusLine = statusLine;
        this.kind = kind;
        this.code = code;
        this.headers = headers;
        this.body = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        this.delay = delay;
        this.size = size;
        this.steps = steps;
    }

    private static Fault of(Kind kind) {
        return new Fault(kind, 0, List.of(), null, null, 0, List.of());
    }

    /** A healthy answer: 200 with {@code body} as UTF-8 {@code text/plain} and a Content-Length; keep-alive. */
    public static Fault ok(String body) {
        return ok(TEXT, body);
    }

    /** A healthy answer: 200 with {@code body} (UTF-8) of the given content type and a Content-Length; keep-alive. */
    public static Fault ok(String contentType, String body) {
        return status(200, body, "Content-Type", Objects.requireNonNull(contentType, "contentType"));
    }

    /**
     * A complete answer with status {@code code} (200..599), {@code body} (UTF-8, {@code text/plain} unless a
     * Content-Type is given) and a Content-Length, plus extra header fields given as name, value pairs, for example
     * {@code status(503, "busy", "Retry-After", "2")}. Keep-alive, unless the pairs include {@code Connection: close}.
     */
    public static Fault status(int code, String body, String... headerNameValuePairs) {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("code must be 200..599 (see invalidStatusLine()), but was " + code);
        }
        if (headerNameValuePairs.length % 2 != 0) {
            throw new IllegalArgumentException("header fields must come as name, value pairs");
        }
        List<String> headers = List.of(headerNameValuePairs);
        return new Fault(Kind.STATUS, code, headers, Objects.requireNonNull(body, "body"), null, 0, List.of());
    }

    /**
     * Accepts the connection, reads nothing and closes it (FIN): the client sees end of stream before any response.
     * Applies to new connections; met on a kept-alive connection it acts like {@link #closeAfterRequest()}.
     */
    public static Fault acceptThenClose() {
        return of(Kind.ACCEPT_THEN_CLOSE);
    }

    /** Reads the request, then closes the connection (FIN) without answering ("no HTTP response"). */
    public static Fault closeAfterRequest() {
        return of(Kind.CLOSE_AFTER_REQUEST);
    }

    /** Reads the request, then resets the connection (RST, via {@code SO_LINGER} 0 and close). */
    public static Fault resetAfterRequest() {
        return of(Kind.RESET_AFTER_REQUEST);
    }

    /** Reads the request and never answers; holds the connection open until the client or {@code close()} ends it. */
    public static Fault blackhole() {
        return of(Kind.BLACKHOLE);
    }

    /** Waits {@code delay} (cut short by {@code close()}), then answers 200 {@code "ok"}; keep-alive. */
    public static Fault slowHeaders(Duration delay) {
        return new Fault(Kind.SLOW_HEADERS, 200, List.of(), "ok", positive(delay, "delay"), 0, List.of());
    }

    /**
     * Sends status line and headers at once with the full Content-Length of {@code body}, then the body one byte per
     * {@code perByte} (waiting before each byte, cut short by {@code close()}); keep-alive once complete.
     */
    public static Fault trickle(String body, Duration perByte) {
        Objects.requireNonNull(body, "body");
        return new Fault(Kind.TRICKLE, 200, List.of(), body, positive(perByte, "perByte"), 0, List.of());
    }

    /** Answers 200 declaring {@code Content-Length: declaredLength}, sends only {@code sentBody}, then closes. */
    public static Fault truncatedBody(int declaredLength, String sentBody) {
        Fault f = new Fault(Kind.TRUNCATED_BODY, 200, List.of(), Objects.requireNonNull(sentBody, "sentBody"),
                null, declaredLength, List.of());
        if (declaredLength <= f.body.length) {
            throw new IllegalArgumentException("declaredLength must exceed the " + f.body.length + " bytes sent");
        }
        return f;
    }

    /** Answers 200 chunked: a valid chunk {@code "hello"}, then the invalid chunk-size line {@code "zz"}; closes. */
    public static Fault brokenChunked() {
        return of(Kind.BROKEN_CHUNKED);
    }

    /** Answers 200 chunked: one chunk {@code "hello"}, then closes without the terminal zero-size chunk. */
    public static Fault truncatedChunked() {
        return of(Kind.TRUNCATED_CHUNKED);
    }

    /**
     * Answers with bytes that are not HTTP (an SSH banner line, then 256 binary bytes), then closes. It is at most
     * three lines: HttpClient 5 skips up to {@code Http1Config.maxEmptyLineCount} (default 10) lines it cannot parse
     * as a status line, then meets the end of stream and reports {@code NoHttpResponseException}; core classifies
     * that as {@code http_protocol_error}, because bytes arrived that were not a response.
     */
    public static Fault garbage() {
        return of(Kind.GARBAGE);
    }

    /**
     * Answers {@code "HTTP/1.1 abc Nope"} (non-numeric status code), a header section and body {@code "ok"}, then
     * closes. HttpClient 5 skips such lines as garbage, so it reports {@code NoHttpResponseException}.
     */
    public static Fault invalidStatusLine() {
        return invalidStatusLine("HTTP/1.1 abc Nope");
    }

    /**
     * Answers {@code statusLine} as sent (without CRLF), then a valid header section and body {@code "ok"}, then
     * closes; for example {@code "HTTP/1.1 999 Nope"}, which HttpClient 5 accepts as a response with status 999.
     */
    public static Fault invalidStatusLine(String statusLine) {
        if (Objects.requireNonNull(statusLine, "statusLine").contains("\r") || statusLine.contains("\n")) {
            throw new IllegalArgumentException("statusLine must not contain CR or LF");
        }
        return new Fault(Kind.INVALID_STATUS_LINE, 0, List.of(), "ok", null, 0, List.of(), statusLine);
    }

    /**
     * Answers 200 with a header section larger than {@code bytes}, made of many short header lines (about 64 bytes
     * each, so it breaks a header-count limit, not a line-length limit), then closes.
     */
    public static Fault oversizedHeaders(int bytes) {
        return new Fault(Kind.OVERSIZED_HEADERS, 200, List.of(), "ok", null, positive(bytes), List.of());
    }

    /** Answers 200 with a single header line longer than {@code bytes} (breaks a line-length limit), then closes. */
    public static Fault oversizedHeaderLine(int bytes) {
        return new Fault(Kind.OVERSIZED_HEADER_LINE, 200, List.of(), "ok", null, positive(bytes), List.of());
    }

    /** Answers 200 with {@code Content-Encoding: gzip} and a Content-Length body that is not gzip; keep-alive. */
    public static Fault badGzip() {
        return new Fault(Kind.BAD_GZIP, 200, List.of(), "this body is not gzip data", null, 0, List.of());
    }

    /**
     * Answers 200 {@code body} advertising {@code Connection: keep-alive} and {@code Keep-Alive: timeout=60}, then
     * closes the connection (FIN) right after the response is written: a client that pools it finds it stale on
     * reuse.
     */
    public static Fault staleKeepAlive(String body) {
        return new Fault(Kind.STALE_KEEP_ALIVE, 200, List.of(), Objects.requireNonNull(body, "body"), null, 0,
                List.of());
    }

    /**
     * The byte at {@code index} of every streamed body ({@link #streamedBody(int)} and the faults after it): a
     * fixed pattern, so that a client can check what it received byte for byte.
     */
    public static byte bodyByte(long index) {
        return (byte) (index * 31 + 7 + (index >>> 12));
    }

    /** Answers 200 with a {@code bytes}-long body ({@link #bodyByte}) and its Content-Length, fast; keep-alive. */
    public static Fault streamedBody(int bytes) {
        return streamed(bytes, bytes, 64 * 1024, null, StreamEnd.COMPLETE);
    }

    /**
     * Answers 200 with a {@code chunks x chunkBytes} body and its Content-Length, one chunk of bytes every
     * {@code interval} (the first one at once): a slow but steady body. Keep-alive once complete.
     */
    public static Fault steadyBody(int chunks, int chunkBytes, Duration interval) {
        return streamed((long) chunks * chunkBytes, (long) chunks * chunkBytes, positive(chunkBytes),
                positive(interval, "interval"), StreamEnd.COMPLETE);
    }

    /** Declares {@code declared} bytes, sends the first {@code sent} of them, then closes (FIN). */
    public static Fault truncatedMidBody(int declared, int sent) {
        return streamed(shorter(declared, sent), sent, 64 * 1024, null, StreamEnd.CLOSE);
    }

    /** Declares {@code declared} bytes, sends the first {@code sent} of them, then resets the connection (RST). */
    public static Fault resetMidBody(int declared, int sent) {
        return streamed(shorter(declared, sent), sent, 64 * 1024, null, StreamEnd.RESET);
    }

    /** Declares {@code declared} bytes, sends the first {@code sent} of them, then holds the connection silently. */
    public static Fault stallMidBody(int declared, int sent) {
        return streamed(shorter(declared, sent), sent, 64 * 1024, null, StreamEnd.STALL);
    }

    /** Declares {@code declared} bytes but sends {@code sent} (more), then keeps the connection open for more. */
    public static Fault overlongBody(int declared, int sent) {
        if (sent <= declared) {
            throw new IllegalArgumentException("sent must exceed the declared " + declared + " bytes, but was " + sent);
        }
        return streamed(declared, sent, 64 * 1024, null, StreamEnd.COMPLETE);
    }

    /**
     * Answers 200 chunked with {@code bytes} of body in 8 KiB chunks; with {@code lastChunk} it ends with the terminal
     * zero-size chunk (keep-alive), without it it closes (FIN) after the data.
     */
    public static Fault chunkedBody(int bytes, boolean lastChunk) {
        return streamed(-1, bytes, 8 * 1024, null, lastChunk ? StreamEnd.COMPLETE : StreamEnd.CLOSE);
    }

    private static Fault streamed(long declared, long sent, int writeBytes, Duration interval, StreamEnd end) {
        if (sent < 0) {
            throw new IllegalArgumentException("bytes must be >= 0, but was " + sent);
        }
        Fault f = new Fault(Kind.STREAMED_BODY, 200, List.of(), null, interval, (int) Math.min(declared,
                Integer.MAX_VALUE), List.of());
        f.streamed = sent;
        f.writeBytes = writeBytes;
        f.end = end;
        return f;
    }

    private static int shorter(int declared, int sent) {
        if (sent < 0 || sent >= declared) {
            throw new IllegalArgumentException("sent must be 0.." + (declared - 1) + ", but was " + sent);
        }
        return declared;
    }

    /**
     * Applies {@code faults} in order, one per request (an {@link #acceptThenClose()} step is used by the next new
     * connection instead), the last one repeating forever; for example {@code sequence(resetAfterRequest(), ok("x"))}.
     * The order is shared by all connections; nested sequences are flattened.
     */
    public static Fault sequence(Fault... faults) {
        if (faults.length == 0) {
            throw new IllegalArgumentException("a sequence needs at least one fault");
        }
        List<Fault> steps = new ArrayList<>();
        for (Fault f : faults) {
            if (Objects.requireNonNull(f, "fault").kind == Kind.SEQUENCE) {
                steps.addAll(f.steps);
            } else {
                steps.add(f);
            }
        }
        return new Fault(Kind.SEQUENCE, 0, List.of(), null, null, 0, List.copyOf(steps));
    }

    private static Duration positive(Duration d, String name) {
        if (Objects.requireNonNull(d, name).isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, but was " + d);
        }
        return d;
    }

    private static int positive(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("bytes must be positive, but was " + bytes);
        }
        return bytes;
    }

    @Override
    public String toString() {
        switch (kind) {
            case STATUS:
                return "status(" + code + ")";
            case INVALID_STATUS_LINE:
                return "invalidStatusLine(" + statusLine + ")";
            case SEQUENCE:
                return "sequence" + steps;
            default:
                return kind.name().toLowerCase(Locale.ROOT)
                        + (delay != null ? "(" + delay + ")" : size > 0 ? "(" + size + ")" : "");
        }
    }
}
